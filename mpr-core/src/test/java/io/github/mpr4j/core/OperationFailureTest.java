package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.StoreFullException;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OperationFailureTest {

  /** A store whose appends wait on a latch, or fail when told to: a store that is slow or unreachable. */
  static final class FaultyStore extends ForwardingQueueStore {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean block;
    volatile boolean fail;
    volatile boolean full;

    FaultyStore() {
      super(QueueStores.inMemory());
    }

    @Override
    public void append(StoredMessage message) {
      if (fail) {
        throw new IllegalStateException("connection refused");
      }
      if (full) {
        throw new StoreFullException("disk full: 1.0 MiB free, at least 64.0 MiB kept");
      }
      if (block) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.append(message);
    }

    @Override
    public void close() {
      release.countDown();
      super.close();
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void aStoreFailureIsAnOperationFailedErrorThatMayBeRetried() {
    FaultyStore store = new FaultyStore();
    store.fail = true;
    try (PickupQueue queue = PickupQueue.builder().store(store).build()) {
      MprRpcException e = assertInstanceOf(MprRpcException.class,
          failure(queue.openRepository().addMessage(message("c", "x"))));
      assertEquals(RpcErrors.OPERATION_FAILED, e.code());
      assertTrue(e.retryable());
    }
  }

  @Test
  void aFullStoreIsAnOperationFailedErrorWithTheReasonDiskFullThatRetryingAtOnceDoesNotHelp() {
    FaultyStore store = new FaultyStore();
    store.full = true;
    try (PickupQueue queue = PickupQueue.builder().store(store).build()) {
      MprRpcException e = assertInstanceOf(MprRpcException.class,
          failure(queue.openRepository().addMessage(message("c", "x"))));
      assertEquals(RpcErrors.OPERATION_FAILED, e.code());
      assertEquals(RpcErrors.REASON_DISK_FULL, e.data().get("reason"));
      assertFalse(e.retryable());
      assertTrue(e.getMessage().contains("disk full: 1.0 MiB free"), e.getMessage());
    }
  }

  @Test
  void whenEveryWorkerAndQueueSlotIsBusyNewOperationsAreRefusedWithRetryAfter() throws Exception {
    FaultyStore store = new FaultyStore();
    store.block = true;
    try (PickupQueue queue = PickupQueue.builder().store(store)
        .settings(new PickupQueue.Settings(Duration.ofSeconds(60), 1000, 1, 1)).build()) {
      MessagePickupRepository repo = queue.openRepository();
      CompletableFuture<String> running = repo.addMessage(message("c", "1"));
      assertTrue(store.entered.await(5, TimeUnit.SECONDS));
      CompletableFuture<String> queued = repo.addMessage(message("c", "2"));
      MprRpcException e = assertInstanceOf(MprRpcException.class, failure(repo.addMessage(message("c", "3"))));
      assertEquals(RpcErrors.TOO_MANY_REQUESTS, e.code());
      assertTrue(e.data().containsKey("retryAfterMs"));

      store.release.countDown();
      running.join();
      queued.join();
    }
  }

  @Test
  void callsAfterCloseFailTheirFuturesWithoutThrowing() {
    PickupQueue queue = PickupQueue.builder().build();
    MessagePickupRepository repo = queue.openRepository();
    queue.close();
    queue.close();
    assertInstanceOf(MprTransportException.class, failure(repo.addMessage(message("c", "x"))));
    assertInstanceOf(MprTransportException.class,
        failure(queue.openRepository().takeFromQueue(TakeFromQueueOptions.builder("c").build())));
  }

  @Test
  void takeNeverReturnsMoreThanTheMaximumBatchAndLimitZeroReturnsNothing() {
    try (PickupQueue queue = PickupQueue.builder()
        .settings(new PickupQueue.Settings(Duration.ofSeconds(60), 3, 2, 100)).build()) {
      MessagePickupRepository repo = queue.openRepository();
      for (int i = 0; i < 5; i++) {
        repo.addMessage(message("c", "m" + i)).join();
      }
      assertTrue(repo.takeFromQueue(TakeFromQueueOptions.builder("c").limit(0).build()).join().isEmpty());
      assertEquals(3, repo.takeFromQueue(TakeFromQueueOptions.builder("c").limit(10).build()).join().size());
      assertEquals(2, repo.takeFromQueue(TakeFromQueueOptions.builder("c").build()).join().size());
    }
  }
}
