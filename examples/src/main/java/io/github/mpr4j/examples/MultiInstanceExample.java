package io.github.mpr4j.examples;

import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.server.ConfigurationException;
import io.github.mpr4j.server.MprServer;
import io.github.mpr4j.server.ServerConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two server instances that share one Redis: a mediator holds a live session on instance A, another adds
 * messages through instance B, and each message arrives at A's client as it is added.
 *
 * <p>Needs a Redis server: {@code REDIS_URL=redis://127.0.0.1:6379 java -cp examples/target/mpr-examples.jar
 * io.github.mpr4j.examples.MultiInstanceExample}. Both instances run in this process on free loopback ports;
 * in production they are separate processes or machines with the same {@code REDIS_URL}.
 */
public final class MultiInstanceExample {
  private MultiInstanceExample() {}

  public static void main(String[] args) throws Exception {
    String redis = System.getenv("REDIS_URL");
    if (redis == null || redis.isBlank()) {
      System.err.println("This example needs Redis: the two instances share their queues and live sessions through it.");
      System.err.println("Start one (for example: redis-server --port 6379) and run again with");
      System.err.println("  REDIS_URL=redis://127.0.0.1:6379 java -cp examples/target/mpr-examples.jar "
          + MultiInstanceExample.class.getName());
      System.exit(2);
    }
    try {
      run(redis);
    } catch (ConfigurationException e) {
      System.err.println("Redis setting refused: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the demonstration on the Redis at {@code redisUrl} ({@code redis://host:port}). */
  static void run(String redis) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(ServerConfig.MPR_BIND_ADDRESS, "127.0.0.1");
    env.put("REDIS_URL", redis);
    ServerConfig config = ServerConfig.fromEnvironment(env).withPorts(0, 0);
    String connectionId = "connection-carol";
    try (MprServer a = MprServer.create(config).start();
         MprServer b = MprServer.create(config).start();
         MprClient onA = MprClient.builder().uri(URI.create("ws://127.0.0.1:" + a.wsPort() + "/")).build();
         MprClient onB = MprClient.builder().uri(URI.create("ws://127.0.0.1:" + b.wsPort() + "/")).build()) {
      System.out.println("instance A on port " + a.wsPort() + ", instance B on port " + b.wsPort());
      int count = 5;
      CountDownLatch arrived = new CountDownLatch(count);
      onA.addMessagesReceivedListener((cid, messages) -> {
        for (QueuedMessage m : messages) {
          System.out.println("A received " + m.id() + " for " + cid + ": " + m.encryptedMessage());
          arrived.countDown();
        }
        onA.removeMessages(RemoveMessagesOptions.of(cid, messages.stream().map(QueuedMessage::id).toList()));
      });
      onA.addLiveSession(AddLiveSessionOptions.of(connectionId, "session-on-a")).join();
      for (int i = 1; i <= count; i++) {
        String id = onB.addMessage(AddMessageOptions.of(connectionId, List.of("did:key:z6MkCarol"),
            EmbeddedMediatorExample.jwe(i))).join();
        System.out.println("B added " + id);
        Thread.sleep(200);
      }
      if (!arrived.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (count - arrived.getCount()) + " of " + count + " messages arrived on A");
      }
      System.out.println("done: every message added through B arrived live on A");
    }
  }
}
