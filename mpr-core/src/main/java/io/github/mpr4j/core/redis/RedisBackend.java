package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.CallbackRegistry;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * One instance's connection to Redis, and the three parts of the pickup queue on it: the {@link
 * #queueStore() queue store}, the cluster-wide {@link #liveSessions() live sessions} and the {@link
 * #deliveryBus() delivery bus}. Build the pickup queue with all three and with {@link #instanceId()}:
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.connect(RedisSettings.single(URI.create("redis://localhost:6379")));
 * PickupQueue queue = PickupQueue.builder()
 *     .store(redis.queueStore()).liveSessions(redis.liveSessions()).bus(redis.deliveryBus())
 *     .instanceId(redis.instanceId())
 *     .build();
 * }</pre>
 *
 * <p>The connection closes when the queue has closed all three parts, or on {@link #close()}.
 */
public final class RedisBackend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisBackend.class);

  private final RedisSettings settings;
  private final String instanceId;
  private final UnifiedJedis client;
  private final InstanceRegistry instances;
  private final QueueScript script;
  private final RedisQueueStore store;
  private final RedisLiveSessions sessions;
  private final RedisDeliveryBus bus;
  private final RedisCallbackRegistry callbacks;
  private final HotTier hotTier;
  private final Set<Object> open = new java.util.HashSet<>();
  private boolean closed;

  private RedisBackend(RedisSettings settings, String instanceId, UnifiedJedis client) {
    this.settings = settings;
    this.instanceId = instanceId;
    this.client = client;
    RedisKeys keys = new RedisKeys(settings.keyPrefix());
    this.script = new QueueScript(client);
    this.instances = new InstanceRegistry(client, keys, instanceId, settings.instanceTtl());
    this.store = new RedisQueueStore(this, script, keys);
    this.sessions = new RedisLiveSessions(this, script, keys);
    this.bus = new RedisDeliveryBus(this, keys, script);
    this.callbacks = new RedisCallbackRegistry(this, keys, settings.keyPrefix());
    this.hotTier = new HotTier(store, script, keys);
    open.add(store);
    open.add(sessions);
    open.add(bus);
  }

  /**
   * Connects, checks that Redis answers, and starts this instance's heartbeat.
   *
   * @throws RuntimeException when Redis cannot be reached within the settings' timeout
   */
  public static RedisBackend connect(RedisSettings settings) {
    String instanceId = UUID.randomUUID().toString();
    UnifiedJedis client = settings.isCluster() ? cluster(settings) : single(settings);
    try {
      client.ping();
      RedisBackend backend = new RedisBackend(settings, instanceId, client);
      backend.script.preload();
      backend.instances.onLostHeartbeat(backend.sessions::restoreOwn);
      backend.instances.start();
      log.info("connected to {} as instance {}", settings.describe(), instanceId);
      return backend;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static ConnectionPoolConfig pool(RedisSettings s) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(s.poolSize());
    pool.setMaxIdle(s.poolSize());
    pool.setMinIdle(0);
    pool.setMaxWait(s.timeout());
    pool.setBlockWhenExhausted(true);
    pool.setTestWhileIdle(false);
    pool.setJmxEnabled(false);
    return pool;
  }

  private static DefaultJedisClientConfig.Builder config(RedisSettings s) {
    int millis = (int) Math.min(Integer.MAX_VALUE, s.timeout().toMillis());
    return DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis).socketTimeoutMillis(millis)
        .clientName("mpr");
  }

  private static UnifiedJedis single(RedisSettings s) {
    URI uri = s.uri();
    DefaultJedisClientConfig.Builder config = config(s)
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .database(JedisURIHelper.getDBIndex(uri))
        .ssl(JedisURIHelper.isRedisSSLScheme(uri));
    HostAndPort node = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    return RedisClient.builder().hostAndPort(node).clientConfig(config.build()).poolConfig(pool(s)).build();
  }

  private static UnifiedJedis cluster(RedisSettings s) {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (String n : s.clusterNodes()) {
      RedisSettings.HostPort hp = RedisSettings.HostPort.parse(n);
      nodes.add(new HostAndPort(hp.host(), hp.port()));
    }
    DefaultJedisClientConfig.Builder config = config(s);
    if (!s.natMap().isEmpty()) {
      Map<HostAndPort, HostAndPort> map = new HashMap<>();
      s.natMap().forEach((from, to) -> {
        RedisSettings.HostPort f = RedisSettings.HostPort.parse(from);
        RedisSettings.HostPort t = RedisSettings.HostPort.parse(to);
        map.put(new HostAndPort(f.host(), f.port()), new HostAndPort(t.host(), t.port()));
      });
      config.hostAndPortMapper(hap -> map.getOrDefault(hap, hap));
    }
    return RedisClusterClient.builder().nodes(nodes).clientConfig(config.build()).poolConfig(pool(s))
        .maxAttempts(3).maxTotalRetriesDuration(s.clusterRetryWindow()).build();
  }

  /** The id of this instance: give it to the pickup queue's builder. */
  public String instanceId() {
    return instanceId;
  }

  /** The queues of every connection. */
  public QueueStore queueStore() {
    return store;
  }

  /** The live sessions of every instance. */
  public LiveSessions liveSessions() {
    return sessions;
  }

  /** The bus that carries deliveries to the instance holding a session. */
  public DeliveryBus deliveryBus() {
    return bus;
  }

  /** The callback gateway's registrations, shared by every instance (closing it does nothing). */
  public CallbackRegistry callbackRegistry() {
    return callbacks;
  }

  /** The Redis side of the tiered store ({@code io.github.mpr4j.core.tiering}); internal. */
  public HotTier hotTier() {
    return hotTier;
  }

  /** The settings this backend was connected with. */
  public RedisSettings settings() {
    return settings;
  }

  /** Whether Redis answers now and the bus is subscribed. */
  public boolean isReady() {
    try {
      return "PONG".equalsIgnoreCase(client.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Sets a key to expire after {@code ttl} unless it exists, in one atomic step, as a cluster-wide
   * "first one wins" (for example to send one push notification per token and time window).
   *
   * @return whether this call set the key
   */
  public boolean setIfAbsent(String key, Duration ttl) {
    return "OK".equals(client.set(settings.keyPrefix() + ":" + key, "1", SetParams.setParams().nx().px(
        Math.max(1, ttl.toMillis()))));
  }

  UnifiedJedis client() {
    return client;
  }

  InstanceRegistry instances() {
    return instances;
  }

  RedisLiveSessions sessions() {
    return sessions;
  }

  /** A part was closed by its owner; the last one closes the connection. */
  void release(Object part) {
    boolean last;
    synchronized (open) {
      last = open.remove(part) && open.isEmpty();
    }
    if (last) {
      close();
    }
  }

  /** Stops the heartbeat (other instances see at once that this one is gone) and closes the connection. */
  @Override
  public void close() {
    synchronized (open) {
      if (closed) {
        return;
      }
      closed = true;
      open.clear();
    }
    bus.close();
    instances.close();
    script.close();
    client.close();
  }
}
