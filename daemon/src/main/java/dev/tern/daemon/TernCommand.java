package dev.tern.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top of the {@code tern} command line; subcommands arrive with the issues that need them. */
@Command(
    name = "tern",
    subcommands = {DaemonCommand.class},
    mixinStandardHelpOptions = true,
    versionProvider = TernCommand.Version.class,
    description = {
      "Tern: a clustered IMAP and LMTP mail server keeping each user's mail encrypted in an object store.",
      ""
    },
    footer = {"", "Documentation: docs/ in the source tree."})
public final class TernCommand implements Runnable {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (TOML). Default: config.toml in the working directory.")
  Path config;

  @Option(
      names = "--dev",
      description = "Development mode: embedded store in ./tern-data, user alice/hunter2, loopback listeners.")
  boolean dev;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Path configPath() {
    return config != null ? config : Path.of("config.toml");
  }

  @Override
  public void run() {
    // No subcommand given: show what there is rather than doing something implicit.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new TernCommand());
    // Configuration mistakes are one line for the admin, not a stack trace.
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      cl.getErr().println("tern: " + (e instanceof Settings.ConfigException ? "" : e.getClass().getSimpleName() + ": ")
          + e.getMessage());
      return 2;
    });
    return commandLine;
  }

  /** Reads the version Maven wrote into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tern " + read(), "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    static String read() {
      try (InputStream in = TernCommand.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", "unknown");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
