package io.github.mpr4j.client;

import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared values and helpers of the client tests. */
final class Fixtures {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String DID = "did:key:z6MkRecipient";

  private Fixtures() {}

  /** A client with short reconnect delays, connected to the given server. */
  static MprClient.Builder client(URI uri) {
    return MprClient.builder().uri(uri).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  static EncryptedMessage jwe(int n) {
    return EncryptedMessage.ofJson("{\"protected\":\"eyJ" + n + "\",\"iv\":\"aXY\",\"ciphertext\":\"Y3Q" + n
        + "\",\"tag\":\"dGFn\"}");
  }

  static AddMessageOptions message(String connectionId, int n) {
    return AddMessageOptions.of(connectionId, List.of(DID), jwe(n));
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The cause a future failed with; fails the test when it completes normally or not within the wait. */
  static Throwable failure(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
    try {
      Object v = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Waits until the condition holds, at most {@link #WAIT}. */
  static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(10);
    }
  }
}
