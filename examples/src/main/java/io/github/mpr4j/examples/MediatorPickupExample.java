package io.github.mpr4j.examples;

import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM mediator's message pickup (Pickup V2) on {@link MprClient}, wired as a Credo mediator wires the
 * TypeScript client (docs/credo.md): forwards are queued only (the server delivers live), a live session of the
 * mediator becomes the server's, and the server's messagesReceived go to the mediatee's socket.
 *
 * <p>{@code java -cp examples/target/mpr-examples.jar io.github.mpr4j.examples.MediatorPickupExample
 * [ws://127.0.0.1:3100/]}; without an argument it starts an in-process test server.
 */
public final class MediatorPickupExample {
  private MediatorPickupExample() {}

  /** What a mediator does with the pickup messages of its mediatees. Sockets stand in for DIDComm transports. */
  static final class PickupHandler {
    private final MprClient mpr;
    private final Map<String, String> sessionIds = new ConcurrentHashMap<>();
    private final Map<String, Consumer<List<QueuedMessage>>> liveSockets = new ConcurrentHashMap<>();

    PickupHandler(MprClient mpr) {
      this.mpr = mpr;
      // the server hands over messages for the live sessions this mediator holds: deliver them (a Pickup V2
      // delivery); they are removed when the mediatee acknowledges them. Runs on the client's callback thread.
      mpr.addMessagesReceivedListener((connectionId, messages) -> {
        Consumer<List<QueuedMessage>> socket = liveSockets.get(connectionId);
        if (socket != null) {
          socket.accept(messages);
        }
      });
    }

    /** A forward for a mediatee: queue it, whichever instance holds its live session (QueueOnly). */
    String forward(String connectionId, String recipientDid, EncryptedMessage message) {
      return mpr.addMessage(AddMessageOptions.of(connectionId, List.of(recipientDid), message)).join();
    }

    /** status-request: the message count. */
    int status(String connectionId) {
      return mpr.getAvailableMessageCount(GetAvailableMessageCountOptions.of(connectionId)).join();
    }

    /** delivery-request: up to limit messages, kept until the mediatee says it has them. */
    List<QueuedMessage> delivery(String connectionId, int limit) {
      return mpr.takeFromQueue(TakeFromQueueOptions.builder(connectionId).limit(limit).build()).join();
    }

    /** messages-received: now they can go. */
    void received(String connectionId, List<String> messageIds) {
      mpr.removeMessages(RemoveMessagesOptions.of(connectionId, messageIds)).join();
    }

    /** live-delivery-change to true on the mediatee's socket: the session is the server's, cluster-wide. */
    void liveModeOn(String connectionId, Consumer<List<QueuedMessage>> socket) {
      String sessionId = UUID.randomUUID().toString();
      sessionIds.put(connectionId, sessionId);
      liveSockets.put(connectionId, socket);
      mpr.addLiveSession(AddLiveSessionOptions.of(connectionId, sessionId)).join();
    }

    /** The mediatee's socket closed: end the session, but only this one (a newer one may be elsewhere). */
    void socketClosed(String connectionId) {
      liveSockets.remove(connectionId);
      String sessionId = sessionIds.remove(connectionId);
      if (sessionId != null) {
        mpr.removeLiveSession(RemoveLiveSessionOptions.of(connectionId, sessionId)).join();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    MprTestServer own = args.length == 0 ? MprTestServer.start() : null;
    URI uri = own != null ? own.wsUri() : URI.create(args[0]);
    String connectionId = "connection-carol";
    String recipient = "did:key:z6MkCarol";
    try (MprClient mpr = MprClient.builder().uri(uri).build()) {
      mpr.whenConnected().get(10, TimeUnit.SECONDS);
      PickupHandler mediator = new PickupHandler(mpr);

      // the mediatee is offline: two forwards wait in the server
      mediator.forward(connectionId, recipient, EmbeddedMediatorExample.jwe(1));
      mediator.forward(connectionId, recipient, EmbeddedMediatorExample.jwe(2));
      // it connects: status, delivery request, messages received
      System.out.println("status: " + mediator.status(connectionId) + " messages");
      List<QueuedMessage> delivered = mediator.delivery(connectionId, 10);
      System.out.println("delivery: " + delivered.size() + " messages");
      mediator.received(connectionId, delivered.stream().map(QueuedMessage::id).toList());
      System.out.println("status after messages-received: " + mediator.status(connectionId) + " messages");

      // live mode: a forward (through any instance) arrives on the mediatee's socket at once
      CountDownLatch live = new CountDownLatch(1);
      mediator.liveModeOn(connectionId, messages -> {
        System.out.println("live delivery: " + messages.size() + " message");
        mediator.received(connectionId, messages.stream().map(QueuedMessage::id).toList());
        live.countDown();
      });
      mediator.forward(connectionId, recipient, EmbeddedMediatorExample.jwe(3));
      if (!live.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the live message did not arrive");
      }
      mediator.socketClosed(connectionId);
      System.out.println("done");
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }
}
