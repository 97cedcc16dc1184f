package dev.tern.bench.vs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The server under measurement, from the options both memory tools share (a picocli mixin):
 * {@code --kind jvm|dovecot --pid N --host H --port P --user U --password W}.
 */
final class Target {

  enum Kind { jvm, dovecot }

  @Option(names = "--kind", required = true, description = "jvm (Tern) or dovecot") Kind kind;
  @Option(names = "--pid", required = true, description = "the JVM's pid, or Dovecot's master.pid") long pid;
  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--user", required = true) String user;
  @Option(names = "--password", required = true) String password;

  InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  ServerMemory memory() throws IOException {
    return kind == Kind.jvm ? JvmMemory.attach(pid) : DovecotMemory.of(pid);
  }

  /** A connection, logged in. */
  ImapClient login(int readBuffer) throws IOException {
    ImapClient client = new ImapClient(address(), readBuffer);
    try {
      client.login(user, password);
    } catch (IOException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** {@code result <key> <value> <unit>}: the line the orchestration script greps. */
  static void result(String key, long value, String unit) {
    System.out.println("result " + key + " " + value + " " + unit);
  }

  static void result(String key, double value, String unit) {
    System.out.println("result " + key + " " + String.format(Locale.ROOT, "%.3f", value) + " " + unit);
  }

  static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
  }
}
