package dev.tern.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the commands get a password from, first found wins: a file ({@code --password-file}), an
 * environment variable ({@code TERN_PASSWORD}, {@code TERN_OLD_PASSWORD}), or the terminal. Never
 * from the command line, which other users of the machine can read in the process list.
 */
final class Passwords {

  /** A password in a char array, zeroed on close. */
  static final class Secret implements AutoCloseable {
    private final char[] chars;

    Secret(char[] chars) {
      this.chars = chars;
    }

    CharSequence value() {
      return CharBuffer.wrap(chars);
    }

    @Override
    public void close() {
      Arrays.fill(chars, '\0');
    }
  }

  private Passwords() {}

  /**
   * A new password: from the file, the variable, or asked twice at the terminal (both must match).
   * {@code what} names it in prompts and errors ("new password of alice").
   */
  static Secret newPassword(Environment environment, Optional<Path> file, String variable, String what) {
    Optional<Secret> given = given(environment, file, variable, what);
    if (given.isPresent()) {
      return given.get();
    }
    char[] first = ask(environment, variable, what, capitalised(what) + ": ");
    char[] second = ask(environment, variable, what, "Again: ");
    try {
      if (!Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new Failure("the two entries of the " + what + " differ");
      }
    } finally {
      Arrays.fill(second, '\0');
    }
    return checked(first, what);
  }

  /** An existing password: from the file, the variable, or asked once. */
  static Secret existingPassword(Environment environment, Optional<Path> file, String variable, String what) {
    Optional<Secret> given = given(environment, file, variable, what);
    return given.orElseGet(() -> checked(ask(environment, variable, what, capitalised(what) + ": "), what));
  }

  private static Optional<Secret> given(Environment environment, Optional<Path> file, String variable, String what) {
    if (file.isPresent()) {
      return Optional.of(checked(fromFile(file.get()), what));
    }
    String value = environment.variable(variable);
    if (value != null) {
      return Optional.of(checked(value.toCharArray(), what + " (" + variable + ")"));
    }
    return Optional.empty();
  }

  /** The file's first line: a trailing line end is not part of the password. */
  private static char[] fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Failure("password file " + file + " not found");
    } catch (IOException e) {
      throw new Failure("cannot read password file " + file + ": " + e.getMessage());
    }
    try {
      CharBuffer text = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
      int end = 0;
      while (end < text.limit() && text.get(end) != '\n' && text.get(end) != '\r') {
        end++;
      }
      char[] chars = new char[end];
      text.get(chars, 0, end);
      if (text.hasArray()) {
        Arrays.fill(text.array(), '\0');
      }
      return chars;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static char[] ask(Environment environment, String variable, String what, String prompt) {
    return environment.terminal().readPassword(prompt).orElseThrow(() -> new Failure(
        "no terminal to ask for the " + what + ": set " + variable
            + (variable.equals("TERN_PASSWORD") ? " or use --password-file FILE" : "")));
  }

  private static Secret checked(char[] password, String what) {
    if (password.length == 0) {
      throw new Failure("the " + what + " is empty");
    }
    return new Secret(password);
  }

  private static String capitalised(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
