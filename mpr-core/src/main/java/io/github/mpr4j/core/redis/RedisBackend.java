package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackStore;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.tiering.internal.HotTier;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
import org.jspecify.annotations.Nullable;

/**
 * One instance's connection to Redis, and the pickup queue's {@link Backend} on it: the queues, the
 * cluster-wide live sessions, the delivery bus and the callback gateway's registrations. Every queue
 * operation is one EVALSHA of the queue script, sent on the script's pipeline, and no thread waits for its
 * reply:
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.connect(RedisSettings.single(URI.create("redis://localhost:6379")));
 * PickupQueue queue = PickupQueue.builder().backend(redis).build();
 * }</pre>
 *
 * <p>Its parts are built from the script, the keys and the instance registry, and refer to nothing
 * above them. The views {@link #queueStore()}, {@link #liveSessions()} and {@link #deliveryBus()} are the
 * same data through the blocking SPIs (for the push service's re-check, tests and tools); closing them does
 * nothing: {@link #close()} closes the connection.
 */
public final class RedisBackend implements Backend {
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
  private final RedisHotTier hotTier;
  private final CallbackStore callbackStore;
  private boolean closed;

  private RedisBackend(RedisSettings settings, String instanceId, UnifiedJedis client) {
    this.settings = settings;
    this.instanceId = instanceId;
    this.client = client;
    RedisKeys keys = new RedisKeys(settings.keyPrefix());
    this.script = new QueueScript(client);
    this.instances = new InstanceRegistry(client, keys, instanceId, settings.instanceTtl());
    this.sessions = new RedisLiveSessions(script, keys, instances, instanceId);
    this.store = new RedisQueueStore(client, script, keys, instances, sessions, settings.describe(),
        settings.appendGuardWindow());
    this.bus = new RedisDeliveryBus(keys, script, client, settings, instanceId, sessions);
    this.callbacks = new RedisCallbackRegistry(client, keys, settings.keyPrefix());
    this.hotTier = new RedisHotTier(store, script, keys);
    this.callbackStore = new CallbackStore() {
      @Override
      public CallbackRegistry registry() {
        return callbacks;
      }

      @Override
      public CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending,
          StoredMessage message, long sendingUntilMillis) {
        return store.appendIfRegistered(clientId, maxPending, message, sendingUntilMillis);
      }
    };
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

  /** The id of this instance (its heartbeat, its bus channel); the pickup queue takes it as its own. */
  public String instanceId() {
    return instanceId;
  }

  @Override
  public Optional<String> boundInstanceId() {
    return Optional.of(instanceId);
  }

  /** The queues of every connection, through the blocking SPI (closing it does nothing). */
  public QueueStore queueStore() {
    return store;
  }

  /** The live sessions of every instance, through the blocking SPI (closing it does nothing). */
  public LiveSessions liveSessions() {
    return sessions;
  }

  /** The bus that carries deliveries to the instance holding a session (closing it does nothing). */
  public DeliveryBus deliveryBus() {
    return bus;
  }

  /** The callback gateway's registrations, shared by every instance (closing it does nothing). */
  public CallbackRegistry callbackRegistry() {
    return callbacks;
  }

  // ---------------------------------------------------------------- Backend: one EVALSHA per call

  @Override
  public CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis) {
    return store.appendRouted(message, sendingUntilMillis);
  }

  @Override
  public CompletableFuture<List<StoredMessage>> take(TakeRequest request) {
    return store.takeAsync(request);
  }

  @Override
  public CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    return store.claimAsync(connectionId, messageIds, nowMillis, sendingUntilMillis);
  }

  @Override
  public CompletableFuture<Integer> release(String connectionId, @Nullable Collection<String> messageIds) {
    return store.releaseAsync(connectionId, messageIds);
  }

  @Override
  public CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds) {
    return store.removeAsync(connectionId, messageIds);
  }

  @Override
  public CompletableFuture<Integer> removeAll(String connectionId, String recipientDid) {
    return store.removeAllAsync(connectionId, recipientDid);
  }

  @Override
  public CompletableFuture<Integer> count(String connectionId, @Nullable String recipientDid, long nowMillis) {
    return store.countAsync(connectionId, recipientDid, nowMillis);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> putSession(LiveSession session) {
    return sessions.putAsync(session);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, @Nullable String sessionId,
      @Nullable String holderId) {
    return sessions.removeAsync(connectionId, sessionId, holderId);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> currentSession(String connectionId) {
    return sessions.getAsync(connectionId);
  }

  @Override
  public CompletableFuture<Boolean> isCurrent(LiveSession session) {
    return sessions.isCurrent(session);
  }

  @Override
  public void onRestored(Consumer<LiveSession> listener) {
    sessions.onRestored(listener);
  }

  @Override
  public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    bus.subscribe(instanceId, consumer);
  }

  @Override
  public void publish(String instanceId, BusEvent event) {
    bus.publish(instanceId, event);
  }

  /** The registrations with the one-script POST: registration, pending count, append and live session. */
  @Override
  public Optional<CallbackStore> callbacks() {
    return Optional.of(callbackStore);
  }

  @Override
  public Optional<String> notReadyReason() {
    return isReady() ? Optional.empty() : Optional.of(describe() + " is not ready");
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  /**
   * Internal, not a stable API: the Redis side of the tiered store ({@code io.github.mpr4j.core.tiering}
   * builds on it).
   *
   * @return the queue script's tiering operations on this connection
   */
  public HotTier hotTier() {
    return hotTier;
  }

  /** The settings this backend was connected with. */
  public RedisSettings settings() {
    return settings;
  }

  /** Whether Redis answers now. */
  public boolean isReady() {
    return store.isReady();
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

  /** The connection (tests). */
  UnifiedJedis client() {
    return client;
  }

  /** Stops the heartbeat (other instances see at once that this one is gone) and closes the connection. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    bus.close();
    instances.close();
    script.close();
    client.close();
  }
}
