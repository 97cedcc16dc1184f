package dev.tern.daemon.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureDelaysTest {

  private final FailureDelays delays = new FailureDelays(Duration.ofMillis(500));

  @Test
  void doublesPerClientUpToTenSecondsAndASuccessForgets() {
    assertEquals(Duration.ofMillis(500), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(1000), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(500), delays.next("192.0.2.8"), "another SMTP client starts afresh");
    assertEquals(Duration.ofMillis(2000), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(4000), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(8000), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(10_000), delays.next("192.0.2.7"));
    assertEquals(Duration.ofMillis(10_000), delays.next("192.0.2.7"));
    delays.forgive("192.0.2.7");
    assertEquals(Duration.ofMillis(500), delays.next("192.0.2.7"));
  }

  @Test
  void remembersABoundedNumberOfClients() {
    delays.next("first");
    for (int i = 0; i < 1000; i++) {
      delays.next("192.0.2." + i);
    }
    assertEquals(Duration.ofMillis(500), delays.next("first"), "the oldest were forgotten, memory stays bounded");
  }
}
