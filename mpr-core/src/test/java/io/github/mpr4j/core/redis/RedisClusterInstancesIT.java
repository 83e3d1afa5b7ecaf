package io.github.mpr4j.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Two instances on a 3-master Redis Cluster, whose bus uses sharded channels. */
class RedisClusterInstancesIT extends RedisInstancesContract {
  private RedisServers.Cluster cluster;

  @Override
  protected RedisSettings settings() {
    if (cluster == null) {
      cluster = RedisServers.cluster();
    }
    return fast(RedisSettings.cluster(cluster.nodes()));
  }

  @Test
  void each_instance_listens_on_one_sharded_channel_on_one_node_and_nothing_is_broadcast() {
    int shardChannels = 0;
    for (RedisServers.Node node : cluster.masters()) {
      try (Jedis j = node.jedis()) {
        List<String> plain = j.pubsubChannels();
        assertTrue(plain.isEmpty(), "no classic (cluster-wide broadcast) channel: " + plain);
        @SuppressWarnings("unchecked")
        List<Object> sharded = (List<Object>) j.sendCommand(redis.clients.jedis.Protocol.Command.PUBSUB,
            "SHARDCHANNELS");
        shardChannels += sharded.size();
      }
    }
    assertEquals(2, shardChannels, "one sharded channel per instance, each on the node owning its slot");
  }
}
