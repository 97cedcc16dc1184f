package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.UidIndex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [lmtp]} in config.toml opens a listener on the node that delivers into the store. */
class LmtpListenerTest {

  @TempDir Path dir;

  private Path config(String lmtpSection) throws Exception {
    Files.writeString(dir.resolve("users.toml"), """
        [alice]
        addresses = ["alice@example.tld"]
        password = "%s"
        crypto_root = "%s"
        """.formatted(PasswordHash.create("hunter2"), new CryptoRoot.Cleartext(KeyBundle.generate()).format()));
    return Files.writeString(dir.resolve("config.toml"), """
        [storage]
        type = "directory"
        path = "%s"

        [users]
        file = "users.toml"

        [lmtp]
        %s
        """.formatted(dir.resolve("data"), lmtpSection));
  }

  @Test
  void anLmtpSectionOpensAListenerThatDelivers() throws Exception {
    Settings settings = Settings.load(config("bind = \"127.0.0.1:0\"\nhostname = \"mx.test\"\nmax_message_size = 2000"),
        variable -> null);
    try (Node node = settings.startNode(new ReloadableDirectory(settings.usersFile()))) {
      InetSocketAddress address = node.addresses().get(0);
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        socket.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        assertEquals("220 mx.test Tern ready.", in.readLine());
        out.write(("LHLO test.example\r\nMAIL FROM:<bob@example.tld>\r\nRCPT TO:<alice@example.tld>\r\nDATA\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
          replies.add(in.readLine());
        }
        assertTrue(replies.contains("250-SIZE 2000"), replies.toString());
        assertEquals(List.of("250 2.1.0 OK", "250 2.1.5 OK", "354 OK"), replies.subList(6, 9));
        out.write("Subject: wired\r\n\r\nHello.\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(in.readLine().matches("250 2\\.0\\.0 <alice@example\\.tld> \\S+ Saved"));
        assertEquals("221 2.0.0 Bye", in.readLine());
      }
      try (Accounts.Lease lease = node.accounts().login("alice", "hunter2").orElseThrow()) {
        lease.account().fileIncoming();
        assertEquals(1, lease.account().select(MailboxName.INBOX).mailbox()
            .read(UidIndex::size));
      }
    }
  }

  @Test
  void aBadLmtpSettingIsOneLineNamingTheSection() throws Exception {
    Path config = config("bind = \"127.0.0.1:0\"\nmax_message_size = 0");
    Settings.ConfigException e = assertThrows(Settings.ConfigException.class, () -> Settings.load(config, variable -> null));
    assertTrue(e.getMessage().contains("lmtp") && e.getMessage().contains("max_message_size"), e.getMessage());
  }
}
