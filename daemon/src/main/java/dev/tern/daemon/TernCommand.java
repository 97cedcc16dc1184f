package dev.tern.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top of the {@code tern} command line. */
@Command(
    name = "tern",
    subcommands = {DaemonCommand.class, AccountCommand.class, ToolsCommand.class, ReloadCommand.class,
        CheckCommand.class},
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand gets --help (and --version)
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

  private final Environment environment;

  private TernCommand(Environment environment) {
    this.environment = environment;
  }

  Environment environment() {
    return environment;
  }

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
    return commandLine(Environment.system());
  }

  /** The command line with its environment (variables, terminal, stdin); tests pass their own. */
  static CommandLine commandLine(Environment environment) {
    CommandLine commandLine = new CommandLine(new TernCommand(environment));
    // A mistyped command line: what is wrong, near misses, and always the usage of the command at hand.
    commandLine.setParameterExceptionHandler((e, args) -> {
      CommandLine at = e.getCommandLine();
      at.getErr().println("tern: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, at.getErr());
      at.usage(at.getErr());
      return at.getCommandSpec().exitCodeOnInvalidInput();
    });
    // Every failure is one line for the admin, not a stack trace: exit code 2 for a configuration
    // mistake, 1 for a command that cannot do what was asked, 2 for anything unexpected.
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      String message = ConfigFile.firstLine(e.getMessage());
      if (e instanceof Settings.ConfigException) {
        cl.getErr().println("tern: " + message);
        return 2;
      }
      if (e instanceof Failure || e instanceof java.io.UncheckedIOException) {
        cl.getErr().println("tern: " + message);
        return 1;
      }
      cl.getErr().println("tern: " + e.getClass().getSimpleName() + ": " + message);
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
