package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.imap.protocol.ImapLimits;
import dev.tern.storage.MemoryObjectStore;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.FileInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Implicit TLS and STARTTLS with a certificate made for the test by the JDK's keytool. */
class TlsTest {

  @TempDir static Path directory;
  static SslContext serverTls;
  static SSLContext clientTls;

  @BeforeAll
  static void certificate() throws Exception {
    Path keystore = directory.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "tern", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
        .redirectErrorStream(true).start();
    keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertEquals(0, keytool.waitFor());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    serverTls = SslContextBuilder.forServer(keys).build();
    // The test trusts whatever the server shows: it tests the server's TLS, not PKI.
    TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, new TrustManager[] {trustAll}, null);
  }

  private static ImapConfig config(boolean implicit) {
    return new ImapConfig(ImapLimits.DEFAULTS, Optional.of(serverTls), implicit, false, Duration.ofSeconds(5),
        Duration.ofMillis(10), Duration.ofMinutes(30));
  }

  @Test
  void implicitTlsServesImapFromTheFirstByte() throws Exception {
    try (TestServer server = new TestServer(new MemoryObjectStore(), config(true));
        SSLSocket socket = (SSLSocket) clientTls.getSocketFactory()
            .createSocket(server.address.getAddress(), server.address.getPort())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String greeting = in.readLine();
      assertTrue(greeting.contains("AUTH=PLAIN") && !greeting.contains("STARTTLS"), greeting);
      out.write("a LOGIN alice hunter2\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(in.readLine().startsWith("a OK"));
    }
  }

  @Test
  void startTlsIsRequiredForLoginAndDropsWhatWasPipelinedBehindIt() throws Exception {
    try (TestServer server = new TestServer(new MemoryObjectStore(), config(false));
        Socket plain = new Socket(server.address.getAddress(), server.address.getPort())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = plain.getOutputStream();
      String greeting = in.readLine();
      assertTrue(greeting.contains("STARTTLS") && greeting.contains("LOGINDISABLED"), greeting);
      out.write("a LOGIN alice hunter2\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(in.readLine().startsWith("a NO [PRIVACYREQUIRED]"));
      // An attacker's command injected after STARTTLS in the same packet must never run.
      out.write("b STARTTLS\r\nc LOGIN alice hunter2\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals("b OK Begin TLS negotiation now.", in.readLine());
      SSLSocket tls = (SSLSocket) clientTls.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
      tls.startHandshake();
      BufferedReader secureIn = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
      OutputStream secureOut = tls.getOutputStream();
      secureOut.write("d CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
      secureOut.flush();
      String capability = secureIn.readLine();
      assertFalse(capability.contains("STARTTLS") || capability.contains("LOGINDISABLED"), capability);
      assertTrue(capability.contains("AUTH=PLAIN"), capability);
      assertEquals("d OK Capability completed.", secureIn.readLine(), "c must have been dropped, not run");
      secureOut.write("e LOGIN alice hunter2\r\n".getBytes(StandardCharsets.US_ASCII));
      secureOut.flush();
      assertTrue(secureIn.readLine().startsWith("e OK"));
    }
  }
}
