package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.mailbox.User;
import dev.tern.storage.MemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** 100 deliveries to 10 users from 10 clients at once: each message lands once, in the right INBOX. */
class ParallelDeliveryTest {

  private static final int USERS = 10;
  private static final int CLIENTS = 10;
  private static final int PER_CLIENT = 10;
  private static final Pattern MESSAGE_ID = Pattern.compile("Message-ID: <(m\\d+)@test>");

  @Test
  void everyMessageIsInTheRightInboxExactlyOnce() throws Exception {
    List<User> users = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      users.add(new User("u" + u, "u" + u, List.of("u" + u + "@example.tld"), TestServer.HASH,
          new CryptoRoot.Cleartext(KeyBundle.generate())));
    }
    try (TestServer server = new TestServer(new MemoryObjectStore(), users, c -> c);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          start.await();
          try (LmtpClient lmtp = server.connect()) {
            lmtp.command("LHLO client" + client + ".example");
            for (int i = 0; i < PER_CLIENT; i++) {
              int n = client * PER_CLIENT + i;
              lmtp.send("MAIL FROM:<sender@example.org>").send("RCPT TO:<u" + n % USERS + "@example.tld>").send("DATA");
              assertEquals("250 2.1.0 OK", lmtp.readLine());
              assertEquals("250 2.1.5 OK", lmtp.readLine());
              assertEquals("354 OK", lmtp.readLine());
              lmtp.sendRaw(LmtpClient.dotStuffed(("Message-ID: <m" + n + "@test>\r\nSubject: " + n + "\r\n\r\n"
                  + "body of message " + n + "\r\n").getBytes(StandardCharsets.US_ASCII)));
              String reply = lmtp.readLine();
              assertTrue(reply.startsWith("250 2.0.0 <u" + n % USERS + "@example.tld> "), reply);
            }
            assertEquals("221 2.0.0 Bye", lmtp.command("QUIT"));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> client : clients) {
        client.get();
      }
      for (int u = 0; u < USERS; u++) {
        List<String> ids = new ArrayList<>();
        for (byte[] message : server.inbox("u" + u)) {
          Matcher matcher = MESSAGE_ID.matcher(new String(message, StandardCharsets.US_ASCII));
          assertTrue(matcher.find());
          ids.add(matcher.group(1));
        }
        Set<String> expected = new HashSet<>();
        for (int n = u; n < CLIENTS * PER_CLIENT; n += USERS) {
          expected.add("m" + n);
        }
        assertEquals(expected.size(), ids.size(), "u" + u + " has each message once: " + ids);
        assertEquals(expected, new HashSet<>(ids), "u" + u);
      }
    }
  }
}
