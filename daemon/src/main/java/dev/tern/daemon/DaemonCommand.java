package dev.tern.daemon;

import dev.tern.daemon.auth.AuthConfig;
import dev.tern.imap.ImapConfig;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tern daemon}: runs the servers until SIGTERM or SIGINT, then stops them gracefully; on
 * SIGHUP it reads the users file again. Its process id goes to the pid file for {@code tern reload}.
 */
@Command(name = "daemon", description = "Run the IMAP and LMTP servers (dev mode: --dev before daemon).")
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DaemonCommand.class);

  static final int DEV_IMAP_PORT = 1143;
  static final int DEV_AUTH_PORT = 12345;
  static final int DEV_LMTP_PORT = 1025;

  @ParentCommand TernCommand parent;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!parent.dev) {
      // Everything is read and validated before anything is bound: a mistake costs no half-started daemon.
      Settings settings = Settings.load(parent.configPath(), parent.environment()::variable);
      ReloadableDirectory users = new ReloadableDirectory(settings.usersFile());
      Node node = settings.startNode(users);
      try {
        Hangup.onHangup(users::reload);
        PidFile.write(settings.pidFile());
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
      out.println("tern: " + settings.describe(node));
      out.flush();
      awaitShutdown(node, settings.pidFile()); // the shutdown hook closes the node
      return 0;
    }
    Path data = devData();
    ObjectStore store = new FileObjectStore(data);
    Node node = new Node(store, DevMode.prepare(store), new byte[0]);
    node.pollEvery(ImapConfig.dev().pollInterval());
    InetSocketAddress imap = node.listenImap(
        new Node.Listener(new InetSocketAddress("127.0.0.1", devPort("TERN_DEV_IMAP_PORT", DEV_IMAP_PORT)),
            ImapConfig.dev()));
    // The dev user is built in: a SIGHUP has nothing to reload, but must not stop the daemon.
    Hangup.onHangup(() -> LOG.info("development mode: nothing to reload"));
    PidFile.write(data.resolve("tern.pid"));
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
    out.println(devAuth(node));
    out.flush();
    node.announce(NodeId.ofThisHost(), Liveness.DEFAULT_INTERVAL);
    awaitShutdown(node, data.resolve("tern.pid"));
    return 0;
  }

  /** Development mode's data directory, ./tern-data. */
  static Path devData() {
    return Path.of("tern-data").toAbsolutePath();
  }

  /**
   * The auth socket for a local Postfix; a port already taken (a real Dovecot, say) leaves it out
   * rather than stopping the dev daemon, whose point is IMAP.
   */
  private static String devAuth(Node node) {
    InetSocketAddress wanted = new InetSocketAddress("127.0.0.1", devPort("TERN_DEV_AUTH_PORT", DEV_AUTH_PORT));
    try {
      InetSocketAddress auth = node.listenAuth(wanted, AuthConfig.dev());
      return "tern: auth socket for Postfix (smtpd_sasl_type = dovecot, smtpd_sasl_path = inet:"
          + auth.getHostString() + ":" + auth.getPort() + "), plaintext allowed - see docs/auth-socket.md";
    } catch (RuntimeException e) {
      return "tern: no auth socket: cannot listen on " + wanted.getHostString() + ":" + wanted.getPort() + " ("
          + e.getMessage() + "); set TERN_DEV_AUTH_PORT";
    }
  }

  /** Tests run the dev command on a free port; nobody else needs this. */
  private static int devPort(String variable, int port) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? port : Integer.parseInt(value.trim());
  }

  /** Blocks until the JVM is asked to stop, then closes the node (BYE to every session) and removes the pid file. */
  private static void awaitShutdown(Node node, Path pidFile) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      node.close();
      PidFile.removeOwn(pidFile);
      stopped.countDown();
    }, "tern-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }
}
