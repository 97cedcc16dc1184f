package dev.tern.daemon;

import java.io.Console;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the commands take from outside the command line: environment variables (configuration
 * overrides, {@code TERN_PASSWORD}), the terminal (password prompts, confirmations) and standard
 * input. Tests pass their own; {@link #system()} is the real one.
 */
record Environment(Function<String, String> variables, Terminal terminal, InputStream stdin) {

  /** A user at a terminal, or nobody (a script, a test). */
  interface Terminal {
    /** Asks without echo; empty when there is no terminal to ask. */
    Optional<char[]> readPassword(String prompt);

    /** Asks for a line; empty when there is no terminal to ask. */
    Optional<String> readLine(String prompt);
  }

  Environment {
    Objects.requireNonNull(variables);
    Objects.requireNonNull(terminal);
    Objects.requireNonNull(stdin);
  }

  static Environment system() {
    return new Environment(System::getenv, new SystemTerminal(), System.in);
  }

  /** The variable's value, or null when unset. */
  String variable(String name) {
    return variables.apply(name);
  }

  /** {@link System#console()}, when it is an interactive terminal. */
  private static final class SystemTerminal implements Terminal {
    @Override
    public Optional<char[]> readPassword(String prompt) {
      return console().map(console -> console.readPassword("%s", prompt));
    }

    @Override
    public Optional<String> readLine(String prompt) {
      return console().map(console -> console.readLine("%s", prompt));
    }

    /**
     * From Java 22 on, {@code System.console()} may exist with stdin redirected; {@code isTerminal()}
     * (22+, hence reflection on a Java 21 build) tells, and a prompt must not read a piped file.
     */
    private static Optional<Console> console() {
      Console console = System.console();
      if (console == null) {
        return Optional.empty();
      }
      try {
        Object terminal = Console.class.getMethod("isTerminal").invoke(console);
        return Boolean.TRUE.equals(terminal) ? Optional.of(console) : Optional.empty();
      } catch (ReflectiveOperationException e) {
        return Optional.of(console); // Java 21: a console exists only for a terminal
      }
    }
  }
}
