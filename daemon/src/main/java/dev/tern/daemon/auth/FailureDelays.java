package dev.tern.daemon.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long to sit on a failed attempt before answering it: the base delay, doubling with each
 * failure of the same SMTP client, capped at 10 s; a success forgets the client. Clients are told
 * apart by the {@code rip} Postfix sends, because one smtpd process serves many SMTP clients in
 * turn over one connection and one guesser must not slow down the others. One per connection;
 * not thread-safe (the connection's event loop owns it).
 */
final class FailureDelays {

  private static final long MAX_MILLIS = 10_000;
  private static final int CLIENTS_REMEMBERED = 256;

  private final long baseMillis;
  private final Map<String, Integer> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > CLIENTS_REMEMBERED;
    }
  };

  FailureDelays(Duration base) {
    this.baseMillis = base.toMillis();
  }

  /** Counts a failure of this client; returns the pause before answering it. */
  Duration next(String client) {
    int count = failures.merge(client, 1, Integer::sum);
    return Duration.ofMillis(Math.min(MAX_MILLIS, baseMillis << Math.min(5, count - 1)));
  }

  void forgive(String client) {
    failures.remove(client);
  }
}
