package dev.tern.daemon.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Timing and load on a real socket: what a transcript cannot say. */
class AuthServerTest {

  private static final long DELAY_MILLIS = 400;

  private static String plain(String login, String password) {
    return Base64.getEncoder().encodeToString(("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static void handshake(AuthFixture.Client client) {
    String line;
    do {
      line = client.read();
    } while (line != null && !line.equals("DONE"));
    client.send("VERSION\t1\t2");
    client.send("CPID\t1");
  }

  @Test
  void aFailureIsAnsweredLateWithoutHoldingUpOtherRequests() {
    try (AuthFixture fixture = new AuthFixture(new AuthConfig(true, Duration.ofMillis(DELAY_MILLIS)));
        AuthFixture.Client client = fixture.connect()) {
      handshake(client);
      long start = System.nanoTime();
      client.send("AUTH\t1\tPLAIN\tservice=smtp\trip=192.0.2.7\tresp=" + plain("alice", "wrong"));
      client.send("AUTH\t2\tPLAIN\tservice=smtp\trip=192.0.2.8\tresp=" + plain("alice", AuthFixture.PASSWORD));
      assertEquals("OK\t2\tuser=alice", client.read(), "the success does not wait behind the failure");
      assertEquals("FAIL\t1\tuser=alice", client.read());
      long first = millisSince(start);
      assertTrue(first >= DELAY_MILLIS, "first failure answered after " + first + " ms");

      start = System.nanoTime();
      client.send("AUTH\t3\tPLAIN\tservice=smtp\trip=192.0.2.7\tresp=" + plain("mallory", "guess"));
      assertEquals("FAIL\t3\tuser=mallory", client.read());
      long second = millisSince(start);
      assertTrue(second >= 2 * DELAY_MILLIS, "second failure of the same client answered after " + second + " ms");
    }
  }

  @Test
  void manyConnectionsAndRequestsAtOnceAllGetTheirAnswers() throws Exception {
    try (AuthFixture fixture = new AuthFixture(new AuthConfig(false, Duration.ofMillis(10)))) {
      List<Thread> threads = new ArrayList<>();
      Set<String> answers = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int c = 0; c < 8; c++) {
        int connection = c;
        threads.add(Thread.ofVirtual().start(() -> {
          try (AuthFixture.Client client = fixture.connect()) {
            handshake(client);
            for (int id = 1; id <= 6; id++) {
              String password = id % 3 == 0 ? "wrong" : AuthFixture.PASSWORD;
              client.send("AUTH\t" + id + "\tPLAIN\tservice=smtp\tsecured\tresp=" + plain("alice", password));
            }
            Set<String> mine = new HashSet<>();
            for (int i = 0; i < 6; i++) {
              mine.add(client.read());
            }
            mine.forEach(answer -> answers.add(connection + ":" + answer));
          }
        }));
      }
      for (Thread thread : threads) {
        assertTrue(thread.join(Duration.ofSeconds(60)), "a connection got stuck");
      }
      assertEquals(8 * 6, answers.size(), answers.toString());
      for (int c = 0; c < 8; c++) {
        for (int id = 1; id <= 6; id++) {
          String expected = id % 3 == 0 ? "FAIL\t" + id + "\tuser=alice" : "OK\t" + id + "\tuser=alice";
          assertTrue(answers.contains(c + ":" + expected), "missing " + c + ":" + expected);
        }
      }
    }
  }

  @Test
  void requestsInFlightOnOneConnectionAreBounded() {
    try (AuthFixture fixture = new AuthFixture(new AuthConfig(false, Duration.ofMillis(10)));
        AuthFixture.Client client = fixture.connect()) {
      handshake(client);
      int limit = AuthConnection.MAX_REQUESTS;
      for (int id = 1; id <= limit + 2; id++) {
        client.send("AUTH\t" + id + "\tLOGIN\tservice=smtp\tsecured"); // each waits for its CONT
      }
      for (int id = 1; id <= limit; id++) {
        assertEquals("CONT\t" + id + "\tVXNlcm5hbWU6", client.read());
      }
      assertEquals("FAIL\t" + (limit + 1) + "\ttemp\treason=Too many requests in progress", client.read());
      assertEquals("FAIL\t" + (limit + 2) + "\ttemp\treason=Too many requests in progress", client.read());
      client.send("CANCEL\t1");
      client.send("AUTH\t1\tPLAIN\tservice=smtp\tsecured\tresp=" + plain("alice", AuthFixture.PASSWORD));
      assertEquals("OK\t1\tuser=alice", client.read(), "a cancelled request frees its place");
    }
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
