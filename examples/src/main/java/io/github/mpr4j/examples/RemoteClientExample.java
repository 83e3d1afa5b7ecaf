package io.github.mpr4j.examples;

import io.github.mpr4j.client.ConnectionStateListener;
import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JVM mediator that uses a remote MPR server through {@link MprClient}: connect, add, take, and a live
 * session that receives messagesReceived.
 *
 * <p>Run against a server of yours: {@code java -cp examples/target/mpr-examples.jar
 * io.github.mpr4j.examples.RemoteClientExample ws://127.0.0.1:3100/}. Without an argument it starts an
 * in-process server (the test server, in-memory store) on a free port and talks to that.
 */
public final class RemoteClientExample {
  private RemoteClientExample() {}

  public static void main(String[] args) throws Exception {
    MprTestServer own = args.length == 0 ? MprTestServer.start() : null;
    URI uri = own != null ? own.wsUri() : URI.create(args[0]);
    String connectionId = "connection-bob";
    String recipient = "did:key:z6MkBob";
    try (MprClient mpr = MprClient.builder()
        .uri(uri)
        .requestTimeout(Duration.ofSeconds(5))
        .connectionStateListener(new ConnectionStateListener() {
          @Override
          public void connected() {
            System.out.println("connected to " + uri);
          }

          @Override
          public void disconnected(Throwable cause) {
            System.out.println("disconnected: " + cause);
          }
        })
        .build()) {
      mpr.whenConnected().get(10, TimeUnit.SECONDS);

      // queue two messages for an offline recipient, then pick them up
      for (int i = 1; i <= 2; i++) {
        String id = mpr.addMessage(AddMessageOptions.of(connectionId, List.of(recipient),
            EmbeddedMediatorExample.jwe(i))).join();
        System.out.println("added " + id);
      }
      System.out.println("available: " + mpr.getAvailableMessageCount(GetAvailableMessageCountOptions.of(connectionId)).join());
      List<QueuedMessage> taken = mpr.takeFromQueue(TakeFromQueueOptions.builder(connectionId).deleteMessages(true).build()).join();
      System.out.println("took " + taken.size() + ": " + taken.stream().map(QueuedMessage::id).toList());

      // a live session: messages added from now on arrive through the listener
      CountDownLatch arrived = new CountDownLatch(3);
      mpr.addMessagesReceivedListener((cid, messages) -> {
        // called on the client's callback thread, one call at a time: return quickly
        messages.forEach(m -> System.out.println("messagesReceived " + cid + " " + m.id() + " at " + m.receivedAt()));
        mpr.removeMessages(RemoveMessagesOptions.of(cid, messages.stream().map(QueuedMessage::id).toList()));
        messages.forEach(m -> arrived.countDown());
      });
      mpr.addLiveSession(AddLiveSessionOptions.of(connectionId, "session-1")).join();
      for (int i = 3; i <= 5; i++) {
        mpr.addMessage(AddMessageOptions.of(connectionId, List.of(recipient), EmbeddedMediatorExample.jwe(i))).join();
      }
      if (!arrived.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the live messages did not arrive");
      }
      System.out.println("done");
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }
}
