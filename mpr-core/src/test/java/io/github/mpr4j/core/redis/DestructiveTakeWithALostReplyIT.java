package io.github.mpr4j.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A take with delete whose reply is lost (the connection fails after the script ran) loses nothing: the
 * messages it chose were not delivered, so they must come back. On a cluster, Jedis's own command path
 * would also send the take again, which would delete the next batch and return it, the first one gone. A
 * relay in front of the node owning the connection's slot loses the first reply to a take; a retry, if the
 * client sends one, is held until the test lets it through.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DestructiveTakeWithALostReplyIT {
  private static final String DID = "did:example:lost-take";
  private static final int MESSAGES = 20;
  private static final long VISIBILITY_MS = 3_000;

  @Test
  void on_a_cluster_every_message_is_delivered_once_the_chosen_ones_come_back_after_their_deadline()
      throws Exception {
    RedisServers.Cluster cluster = RedisServers.cluster();
    String conn = connectionOnFirstMaster();
    RedisServers.Node owner = cluster.masters().get(0);
    try (RedisReplyDropper relay = new RedisReplyDropper(owner.port())) {
      takeLosesNothing(conn, relay,
          RedisSettings.cluster(cluster.nodes()).withNatMap(Map.of(owner.hostPort(), relay.hostPort())),
          RedisSettings.cluster(cluster.nodes()));
    }
  }

  @Test
  void on_one_node_every_message_is_delivered_once_the_chosen_ones_come_back_after_their_deadline()
      throws Exception {
    RedisServers.Node node = RedisServers.single();
    try (RedisReplyDropper relay = new RedisReplyDropper(node.port())) {
      takeLosesNothing("lost-take-" + System.nanoTime(), relay,
          RedisSettings.single(URI.create("redis://" + relay.hostPort())), RedisSettings.single(node.uri()));
    }
  }

  private void takeLosesNothing(String conn, RedisReplyDropper relay, RedisSettings viaRelay, RedisSettings direct)
      throws Exception {
    RedisBackend via = RedisBackend.connect(viaRelay.withTimeout(Duration.ofSeconds(10)));
    RedisBackend other = RedisBackend.connect(direct);
    try {
      TreeSet<String> added = new TreeSet<>();
      for (int i = 0; i < MESSAGES; i++) {
        StoredMessage m = new StoredMessage(String.format("m-%02d", i), conn, List.of(DID),
            System.currentTimeMillis(), EncryptedMessage.ofJson("{\"ciphertext\":\"x\"}"), 0);
        other.queueStore().append(m);
        added.add(m.id());
      }
      relay.dropNextReplyTo("\r\ntake\r\n");
      long now = System.currentTimeMillis();
      CompletableFuture<List<StoredMessage>> take = via.take(
          new TakeRequest(conn, null, MESSAGES / 2, Long.MAX_VALUE, true, now, now + VISIBILITY_MS));
      assertTrue(relay.awaitDropped(30, TimeUnit.SECONDS), "the take's reply was not dropped");
      relay.release(); // a retry, if the client sends one, runs now
      List<String> delivered = new ArrayList<>();
      try {
        take.get(30, TimeUnit.SECONDS).forEach(m -> delivered.add(m.id()));
      } catch (ExecutionException lostReply) {
        // the take failed: what it chose must not be gone
      }

      // what is left comes back, the chosen ones after their deadline
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (delivered.size() < MESSAGES && System.nanoTime() < deadline) {
        long t = System.currentTimeMillis();
        List<StoredMessage> next = other.queueStore().take(
            new TakeRequest(conn, null, MESSAGES, Long.MAX_VALUE, true, t, t + 60_000));
        next.forEach(m -> delivered.add(m.id()));
        if (next.isEmpty()) {
          Thread.sleep(100);
        }
      }
      assertEquals(added, new TreeSet<>(delivered), "delivered (each id once in the list): " + delivered);
      assertEquals(MESSAGES, delivered.size(), "a message was delivered twice: " + delivered);
    } finally {
      via.close();
      other.close();
    }
  }

  /** A connection id whose hash slot (0..5460) the first master owns. */
  private static String connectionOnFirstMaster() {
    for (int i = 0; i < 10_000; i++) {
      String conn = "lost-take-" + System.nanoTime() + "-" + i;
      if (JedisClusterCRC16.getSlot(conn) <= 5460) {
        return conn;
      }
    }
    throw new IllegalStateException("no connection id on the first master");
  }
}
