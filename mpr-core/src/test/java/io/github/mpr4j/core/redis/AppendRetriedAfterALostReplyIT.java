package io.github.mpr4j.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * On a Redis Cluster the client sends a command again when the connection fails after the command was
 * written: the append ran, its reply was lost, and the message may be handed out and removed before the
 * second attempt runs. That attempt must not write the removed message back. A relay in front of the node
 * owning the connection's slot loses the first reply and holds the retry until the test removed the message.
 * The store now sends every script call once (the call fails when its reply is lost); the append's guard
 * still makes an append run twice change nothing ({@link AppendRunTwiceIT}).
 */
@Timeout(90)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AppendRetriedAfterALostReplyIT {
  private static final String DID = "did:example:retry";

  @Test
  void an_append_run_again_by_the_cluster_client_does_not_bring_back_the_removed_message() throws Exception {
    appendRunsTwiceAroundARemoval("appendRouted", "retry-routed",
        (via, m) -> via.append(m, 0));
  }

  @Test
  void a_tiered_append_run_again_by_the_cluster_client_does_not_bring_back_the_removed_message() throws Exception {
    appendRunsTwiceAroundARemoval("appendT", "retry-tiered", (via, m) -> via.hotTier().append(m, 0));
  }

  private interface Append {
    CompletableFuture<?> run(RedisBackend via, StoredMessage m);
  }

  private void appendRunsTwiceAroundARemoval(String op, String prefix, Append append) throws Exception {
    RedisServers.Cluster cluster = RedisServers.cluster();
    String conn = connectionOnFirstMaster(prefix);
    RedisServers.Node owner = cluster.masters().get(0);
    try (RedisReplyDropper relay = new RedisReplyDropper(owner.port())) {
      RedisBackend via = RedisBackend.connect(RedisSettings.cluster(cluster.nodes())
          .withNatMap(Map.of(owner.hostPort(), relay.hostPort())).withTimeout(Duration.ofSeconds(10)));
      RedisBackend direct = RedisBackend.connect(RedisSettings.cluster(cluster.nodes()));
      try {
        StoredMessage m = new StoredMessage("m-" + System.nanoTime(), conn, List.of(DID), System.currentTimeMillis(),
            EncryptedMessage.ofJson("{\"ciphertext\":\"x\"}"), 0);
        relay.dropNextReplyTo("\r\n" + op + "\r\n");
        CompletableFuture<?> appended = append.run(via, m);
        assertTrue(relay.awaitDropped(20, TimeUnit.SECONDS), "the append's reply was not dropped");
        Function<RedisBackend, Integer> count = b -> b.queueStore().count(conn, null, System.currentTimeMillis());
        assertEquals(1, count.apply(direct), "the first attempt appended the message");

        assertEquals(1, direct.queueStore().remove(conn, List.of(m.id())), "the message is removed");
        relay.release();
        try {
          appended.get(30, TimeUnit.SECONDS); // sent again (as Jedis's cluster client did), or
        } catch (java.util.concurrent.ExecutionException lostReply) {
          // failed: the store sends a script call once; AppendRunTwiceIT runs an append twice on purpose
        }

        assertEquals(0, count.apply(direct), "the retried append wrote the removed message back");
        long now = System.currentTimeMillis();
        assertTrue(direct.queueStore().take(new TakeRequest(conn, null, 10, Long.MAX_VALUE, false, now, now + 30_000))
            .isEmpty(), "a take finds the removed message");
      } finally {
        via.close();
        direct.close();
      }
    }
  }

  /** A connection id whose hash slot (0..5460) the first master owns. */
  private static String connectionOnFirstMaster(String prefix) {
    for (int i = 0; i < 10_000; i++) {
      String conn = prefix + "-" + System.nanoTime() + "-" + i;
      if (JedisClusterCRC16.getSlot(conn) <= 5460) {
        return conn;
      }
    }
    throw new IllegalStateException("no connection id on the first master");
  }
}
