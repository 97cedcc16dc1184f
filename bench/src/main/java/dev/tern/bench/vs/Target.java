package dev.tern.bench.vs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;

/**
 * The server under measurement, from the options both tools share: {@code --kind jvm|dovecot
 * --pid N --host H --port P --user U --password W}.
 */
record Target(String kind, long pid, InetSocketAddress address, String user, String password) {

  static final Set<String> OPTIONS = Set.of("kind", "pid", "host", "port", "user", "password");

  static Target of(Args args) {
    String kind = args.required("kind");
    if (!kind.equals("jvm") && !kind.equals("dovecot")) {
      throw new IllegalArgumentException("--kind must be jvm or dovecot");
    }
    return new Target(kind, Long.parseLong(args.required("pid")),
        new InetSocketAddress(args.get("host", "127.0.0.1"), Integer.parseInt(args.required("port"))),
        args.required("user"), args.required("password"));
  }

  ServerMemory memory() throws IOException {
    return kind.equals("jvm") ? JvmMemory.attach(pid) : DovecotMemory.of(pid);
  }

  /** A connection, logged in. */
  ImapClient login(int readBuffer) throws IOException {
    ImapClient client = new ImapClient(address, readBuffer);
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
