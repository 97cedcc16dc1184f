package dev.tern.daemon.auth;

import dev.tern.mailbox.Accounts;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks credentials off the event loops: Argon2id takes tens of milliseconds and (by default)
 * 19 MiB per verification, so they run on virtual threads, at most a few at a time, whatever the
 * number of requests waiting.
 */
final class Verifier implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  enum Outcome { OK, FAIL, TEMP }

  private final Accounts accounts;
  private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("auth-verify-", 0).factory());
  private final Semaphore hashing = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

  Verifier(Accounts accounts) {
    this.accounts = accounts;
  }

  /** Completes with the outcome; never exceptionally. */
  CompletableFuture<Outcome> check(String login, String password) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    try {
      threads.execute(() -> outcome.complete(verify(login, password)));
    } catch (RejectedExecutionException e) {
      outcome.complete(Outcome.TEMP); // shutting down
    }
    return outcome;
  }

  private Outcome verify(String login, String password) {
    try {
      hashing.acquire();
    } catch (InterruptedException e) {
      return Outcome.TEMP;
    }
    try {
      return accounts.verifyPassword(login, password) ? Outcome.OK : Outcome.FAIL;
    } catch (RuntimeException e) {
      // A malformed hash in the users file, a directory that cannot answer: the admin's to fix.
      LOG.warn("auth: cannot check the password of {}: {}", AuthReply.escape(login), e.toString());
      return Outcome.TEMP;
    } finally {
      hashing.release();
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
