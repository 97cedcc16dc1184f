package dev.tern.daemon;

import dev.tern.imap.ImapConfig;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tern daemon}: runs the servers until SIGTERM or SIGINT, then stops them gracefully. */
@Command(name = "daemon", description = "Run the IMAP and LMTP servers (dev mode: --dev before daemon).")
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {

  static final int DEV_IMAP_PORT = 1143;
  static final int DEV_LMTP_PORT = 1025;

  @ParentCommand TernCommand parent;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!parent.dev) {
      Settings settings = Settings.load(parent.configPath());
      try (Node node = settings.startNode()) {
        out.println("tern: " + settings.describe(node));
        out.flush();
        awaitShutdown(node);
      }
      return 0;
    }
    Path data = Path.of("tern-data").toAbsolutePath();
    ObjectStore store = new FileObjectStore(data);
    Node node = new Node(store, DevMode.prepare(store), new byte[0]);
    InetSocketAddress imap = node.listenImap(
        new Node.Listener(new InetSocketAddress("127.0.0.1", devPort("TERN_DEV_IMAP_PORT", DEV_IMAP_PORT)),
            ImapConfig.dev()));
    out.println("tern: development mode, data in " + data);
    out.println("tern: IMAP on " + imap.getHostString() + ":" + imap.getPort()
        + " (no TLS, plain login allowed) - user " + DevMode.LOGIN + ", password " + DevMode.PASSWORD);
    out.println("tern: try   python3 -c \"import imaplib; m = imaplib.IMAP4('127.0.0.1', " + imap.getPort()
        + "); print(m.login('" + DevMode.LOGIN + "', '" + DevMode.PASSWORD + "')); print(m.list())\"");
    InetSocketAddress lmtp = node.listenLmtp(
        new InetSocketAddress("127.0.0.1", devPort("TERN_DEV_LMTP_PORT", DEV_LMTP_PORT)), LmtpConfig.defaults());
    out.println("tern: LMTP on " + lmtp.getHostString() + ":" + lmtp.getPort() + " - deliver a test mail to "
        + DevMode.ADDRESS + ":  python3 -c \"import smtplib; m = smtplib.LMTP('127.0.0.1', " + lmtp.getPort()
        + "); print(m.sendmail('bob@example.tld', ['" + DevMode.ADDRESS
        + "'], 'Subject: hello\\r\\n\\r\\nHi Alice.\\r\\n')); m.quit()\"");
    out.println("tern: or point Thunderbird/mutt at 127.0.0.1:" + imap.getPort() + ", no encryption. Ctrl-C stops.");
    out.flush();
    awaitShutdown(node);
    return 0;
  }

  /** Tests run the dev command on a free port; nobody else needs this. */
  private static int devPort(String variable, int port) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? port : Integer.parseInt(value.trim());
  }

  /** Blocks until the JVM is asked to stop, then closes the node (BYE to every session). */
  private static void awaitShutdown(Node node) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "tern-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }
}
