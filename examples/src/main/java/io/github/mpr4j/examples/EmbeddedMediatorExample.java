package io.github.mpr4j.examples;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JVM mediator that embeds the pickup queue in-process (mpr-core) on the durable embedded store: it
 * queues messages for an offline recipient, hands them out when the recipient picks up, and delivers at once
 * while the recipient holds a live session.
 *
 * <p>Run: {@code java -cp examples/target/mpr-examples.jar io.github.mpr4j.examples.EmbeddedMediatorExample [dataDir]}
 * (without a directory, a temporary one is used and deleted at the end).
 */
public final class EmbeddedMediatorExample {
  private EmbeddedMediatorExample() {}

  public static void main(String[] args) throws Exception {
    boolean temporary = args.length == 0;
    Path data = temporary ? Files.createTempDirectory("mpr-embedded-example") : Path.of(args[0]);
    String connectionId = "connection-alice";
    String recipient = "did:key:z6MkAlice";
    try (PickupQueue queue = PickupQueue.builder().store(QueueStores.embedded(data)).build();
         MessagePickupRepository repo = queue.openRepository()) {

      // 1. the recipient is offline: messages wait in its queue
      for (int i = 1; i <= 3; i++) {
        String id = repo.addMessage(AddMessageOptions.of(connectionId, List.of(recipient), jwe(i))).join();
        System.out.println("queued message " + id);
      }

      // 2. the recipient picks up: take, deliver, then remove what it confirmed
      List<QueuedMessage> batch = repo.takeFromQueue(TakeFromQueueOptions.builder(connectionId).limit(10).build()).join();
      System.out.println("picked up " + batch.size() + " messages: " + batch.stream().map(QueuedMessage::id).toList());
      repo.removeMessages(RemoveMessagesOptions.of(connectionId, batch.stream().map(QueuedMessage::id).toList())).join();

      // 3. the recipient opens a live session: new messages reach the listener at once
      CountDownLatch live = new CountDownLatch(2);
      repo.addMessagesReceivedListener((cid, messages) -> {
        for (QueuedMessage m : messages) {
          System.out.println("live delivery for " + cid + ": " + m.id() + " " + m.encryptedMessage());
          live.countDown();
        }
        // the listener runs on a core worker thread: hand slow work to an executor of your own
        repo.removeMessages(RemoveMessagesOptions.of(cid, messages.stream().map(QueuedMessage::id).toList()));
      });
      repo.addLiveSession(AddLiveSessionOptions.of(connectionId, "session-1")).join();
      repo.addMessage(AddMessageOptions.of(connectionId, List.of(recipient), jwe(4))).join();
      repo.addMessage(AddMessageOptions.of(connectionId, List.of(recipient), jwe(5))).join();
      if (!live.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the live messages did not arrive");
      }
      repo.removeLiveSession(RemoveLiveSessionOptions.of(connectionId, "session-1")).join();
      System.out.println("done" + (temporary ? "" : "; data in " + data.toAbsolutePath()));
    } finally {
      if (temporary) {
        try (var files = Files.walk(data)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  static EncryptedMessage jwe(int n) {
    return EncryptedMessage.ofJson("{\"protected\":\"eyJhbGciOiJFQ0RILTFQVSJ9\",\"iv\":\"aXYtJ" + n
        + "\",\"ciphertext\":\"Y2lwaGVydGV4dC0" + n + "\",\"tag\":\"dGFn\"}");
  }
}
