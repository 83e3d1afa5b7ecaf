package io.github.mpr4j.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoreFullException;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store on a real full disk: a 16 MiB tmpfs (the test needs root to mount it, and is skipped
 * with a message elsewhere), filled with 8 KiB messages.
 */
@Timeout(180)
class EmbeddedStoreDiskFullIT {
  private static final int DISK_MB = 16;
  private static final int MIN_FREE_MB = 4;
  private static final int PAYLOAD_BYTES = 8 * 1024;
  private static final int MAX_APPENDS = 10_000;
  private static final long NOW = 1_700_000_000_000L;
  private static final String CONNECTION = "connection-1";
  private static final String ALICE = "did:example:alice";
  /** Freed chunks are reused after MVStore's retention time (10 s), so room comes back after a drain within it. */
  private static final long ROOM_AGAIN_MILLIS = 30_000;

  @TempDir
  Path dir;

  @Test
  void a_nearly_full_disk_refuses_appends_but_takes_counts_and_removals_drain_it_and_then_appends_work_again()
      throws Exception {
    try (TmpfsMount disk = TmpfsMount.mount(dir.resolve("disk"), DISK_MB);
        QueueStore store = open(disk, MIN_FREE_MB)) {
      int answered = appendUntilRefused(store);
      assertTrue(answered > 100, "appends before the refusal: " + answered);
      assertTrue(disk.usable() > 0, "the disk is not full: the store refused before it was");
      assertEquals(answered, store.count(CONNECTION, null, NOW), "every answered append, and only those");
      assertNotReadyForDiskFull(store);
      assertThrows(StoreFullException.class, () -> store.append(message("one-more")));

      List<StoredMessage> handedOut = store.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE, false,
          NOW, NOW + 60_000));
      assertEquals(10, handedOut.size());
      assertEquals(answered - 10, store.count(CONNECTION, null, NOW));
      assertEquals(10, store.remove(CONNECTION, handedOut.stream().map(StoredMessage::id).toList()));
      int drained = 10 + drain(store);
      assertEquals(answered, drained);
      assertEquals(0, store.count(CONNECTION, null, NOW));

      awaitAppend(store, "after-the-drain");
      awaitReady(store);
      assertEquals(1, store.count(CONNECTION, null, NOW));
    }
  }

  @Test
  void a_write_that_fails_for_lack_of_space_is_undone_and_the_store_serves_on_and_recovers_when_space_is_freed()
      throws Exception {
    try (TmpfsMount disk = TmpfsMount.mount(dir.resolve("disk"), DISK_MB)) {
      Path otherProgram = disk.fill(2L * 1024 * 1024);
      int answered;
      try (QueueStore store = open(disk, 0)) { // no minimum: the disk really fills and a commit fails
        answered = appendUntilRefused(store);
        assertTrue(answered > 100, "appends before the failure: " + answered);
        assertEquals(answered, store.count(CONNECTION, null, NOW), "the failed append is not counted");
        assertThrows(StoreFullException.class, () -> store.append(message("still-full")));
        assertEquals(answered, store.count(CONNECTION, null, NOW));

        Files.delete(otherProgram);
        assertEquals(100, store.take(new TakeRequest(CONNECTION, null, 100, Long.MAX_VALUE, true, NOW, NOW))
            .size(), "a take that deletes works once there is room for its commit");
        awaitAppend(store, "after-freeing");
        assertEquals(answered - 100 + 1, store.count(CONNECTION, null, NOW));
      }
      try (QueueStore reopened = open(disk, 0)) {
        assertEquals(answered - 100 + 1, reopened.count(CONNECTION, null, NOW), "the file holds what was answered");
      }
    }
  }

  @Test
  void a_store_opened_on_a_full_disk_says_so_serves_reads_and_recovers_when_space_is_freed() throws Exception {
    try (TmpfsMount disk = TmpfsMount.mount(dir.resolve("disk"), DISK_MB)) {
      int answered;
      try (QueueStore store = open(disk, MIN_FREE_MB)) {
        answered = appendUntilRefused(store);
      }
      Path otherProgram = disk.fill(Long.MAX_VALUE); // and now not a byte is left
      assertEquals(0, disk.usable());
      try (QueueStore store = open(disk, MIN_FREE_MB)) {
        assertNotReadyForDiskFull(store);
        assertEquals(answered, store.count(CONNECTION, null, NOW));
        assertThrows(StoreFullException.class, () -> store.append(message("refused")));
        assertThrows(StoreFullException.class, () -> store.removeAll(CONNECTION, ALICE),
            "not a byte for the removal's commit");
        assertEquals(answered, store.count(CONNECTION, null, NOW), "the failed removal is undone");

        Files.delete(otherProgram);
        assertEquals(answered, store.removeAll(CONNECTION, ALICE));
        assertEquals(0, store.count(CONNECTION, null, NOW));
        awaitReady(store);
        awaitAppend(store, "after-the-restart");
      }
    }
  }

  private static QueueStore open(TmpfsMount disk, int minFreeMb) {
    return QueueStores.embedded(new EmbeddedStoreSettings(disk.path().resolve("store"), 1, false, minFreeMb));
  }

  /** Appends until the store refuses; the refusal must say disk full. Returns the appends that were answered. */
  private static int appendUntilRefused(QueueStore store) {
    for (int i = 0; i < MAX_APPENDS; i++) {
      try {
        store.append(message("m" + i));
      } catch (StoreFullException e) {
        assertTrue(e.getMessage().startsWith("disk full"), e.getMessage());
        return i;
      }
    }
    return fail("the store accepted " + MAX_APPENDS + " appends of " + PAYLOAD_BYTES + " bytes on " + DISK_MB
        + " MiB");
  }

  private static int drain(QueueStore store) {
    int drained = 0;
    for (int i = 0; i < MAX_APPENDS; i++) {
      int n = store.take(new TakeRequest(CONNECTION, null, 100, Long.MAX_VALUE, true, NOW, NOW)).size();
      if (n == 0) {
        return drained;
      }
      drained += n;
    }
    return fail("the drain did not end");
  }

  private static void awaitAppend(QueueStore store, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_AGAIN_MILLIS);
    while (true) {
      try {
        store.append(message(id));
        return;
      } catch (StoreFullException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("appends are still refused " + ROOM_AGAIN_MILLIS + " ms after the drain", e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static void awaitReady(QueueStore store) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_AGAIN_MILLIS);
    Optional<String> reason;
    while ((reason = store.notReadyReason()).isPresent()) {
      assertTrue(System.nanoTime() < deadline, "still not ready: " + reason.get());
      Thread.sleep(200);
    }
    assertTrue(store.isReady());
  }

  private static void assertNotReadyForDiskFull(QueueStore store) {
    Optional<String> reason = store.notReadyReason();
    assertTrue(reason.isPresent() && reason.get().startsWith("disk full"), "not ready: " + reason);
    assertTrue(!store.isReady());
  }

  private static StoredMessage message(String id) {
    byte[] random = new byte[PAYLOAD_BYTES * 3 / 4];
    ThreadLocalRandom.current().nextBytes(random);
    String ciphertext = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return new StoredMessage(id, CONNECTION, List.of(ALICE), NOW, EncryptedMessage.ofJson(
        "{\"ciphertext\":\"" + ciphertext + "\"}"), 0);
  }
}
