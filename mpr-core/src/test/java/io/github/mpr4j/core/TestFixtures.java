package io.github.mpr4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RpcErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small real implementations used by the core's tests. */
public final class TestFixtures {
  private TestFixtures() {}

  /**
   * An in-memory store for several queues (instances) in one process: closing a queue does not close it,
   * as shared parts outlive each instance.
   */
  public static QueueStore sharedInMemoryStore() {
    return new ForwardingQueueStore(QueueStores.inMemory()) {
      @Override
      public void close() {}
    };
  }

  public static EncryptedMessage jwe(String ciphertext) {
    return EncryptedMessage.ofJson("{\"protected\":\"eyJ0\",\"iv\":\"aXY\",\"ciphertext\":\"" + ciphertext + "\",\"tag\":\"dGFn\"}");
  }

  public static AddMessageOptions message(String connectionId, String ciphertext) {
    return AddMessageOptions.of(connectionId, List.of("did:key:recipient"), jwe(ciphertext));
  }

  /**
   * Waits until the condition holds, polling for at most 5 s. Closing a holder ends its sessions on the
   * queue's workers, after close() has returned (close may be called on an event loop and never blocks).
   */
  public static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * Runs a call that must fail as a store outage does: -32000, retryable, answered within {@code
   * maxMillis}.
   */
  public static void assertFailsRetryableWithin(long maxMillis, Supplier<CompletableFuture<?>> call) {
    long start = System.nanoTime();
    CompletionException failure = assertThrows(CompletionException.class, () -> call.get().join());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    MprRpcException error = assertInstanceOf(MprRpcException.class, failure.getCause());
    assertEquals(RpcErrors.OPERATION_FAILED, error.code());
    assertTrue(error.retryable());
    assertTrue(millis < maxMillis, "answered within a bounded time, took " + millis + " ms");
  }

  /** Repeats a call every 100 ms until it succeeds (the store is back), for at most {@code within}. */
  public static <T> T answeredWithin(Duration within, Supplier<CompletableFuture<T>> call) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return call.get().join();
      } catch (CompletionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** A clock that moves only when told to. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Records every push request. */
  public static final class RecordingPushNotifier implements PushNotifier {
    public final List<PushRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void notify(PushRequest request) {
      requests.add(request);
    }
  }

  /** One received notification. */
  public record Received(String connectionId, List<QueuedMessage> messages) {}

  /** Collects what a repository's listener is given. */
  public static final class Inbox implements MessagesReceivedListener {
    public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    public final BlockingQueue<String> replaced = new LinkedBlockingQueue<>();

    @Override
    public void messagesReceived(String connectionId, List<QueuedMessage> messages) {
      received.add(new Received(connectionId, messages));
    }

    @Override
    public void liveSessionReplaced(String connectionId, String sessionId) {
      replaced.add(connectionId + "/" + sessionId);
    }

    public Received next() throws InterruptedException {
      Received r = received.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no messagesReceived within 5 s");
      }
      return r;
    }
  }
}
