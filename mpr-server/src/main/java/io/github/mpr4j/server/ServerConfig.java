package io.github.mpr4j.server;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.embedded.EmbeddedStoreSettings;
import io.github.mpr4j.core.tiering.TieringSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of an {@link MprServer}, read from environment variables by {@link #fromEnvironment(Map)}.
 *
 * <p>Names and defaults of the TypeScript server are kept ({@code APP_PORT} 3500, {@code WS_PORT} 3100);
 * new settings start with {@code MPR_}. A blank variable counts as unset.
 *
 * @param appPort HTTP port for health, readiness and metrics ({@code APP_PORT}; 0 picks a free port)
 * @param wsPort WebSocket JSON-RPC port ({@code WS_PORT}; 0 picks a free port)
 * @param bindAddress the address both ports listen on ({@code MPR_BIND_ADDRESS})
 * @param store which store keeps the messages ({@code MPR_STORE})
 * @param dataDir the embedded store's directory, and the callback registry's on MongoDB ({@code MPR_DATA_DIR})
 * @param embeddedFsync whether the embedded store forces each commit to the device ({@code MPR_EMBEDDED_FSYNC})
 * @param embeddedCacheMb the embedded store's page cache in MiB ({@code MPR_EMBEDDED_CACHE_MB})
 * @param embeddedMinFreeMb the free disk space, in MiB, below which the embedded store refuses adds and is not
 *     ready, so that takes and removals can still drain it; 0 turns the check off ({@code MPR_EMBEDDED_MIN_FREE_MB})
 * @param authTokens the accepted tokens; empty accepts every client ({@code MPR_AUTH_TOKENS})
 * @param maxFrameBytes the largest WebSocket message, in bytes ({@code MPR_MAX_FRAME_BYTES})
 * @param maxPayloadBytes the largest addMessage payload, in UTF-8 bytes ({@code MPR_MAX_PAYLOAD_BYTES})
 * @param maxInFlight requests of one socket that may wait for their answers ({@code MPR_MAX_IN_FLIGHT})
 * @param maxBatchRequests the most requests in one batch ({@code MPR_MAX_BATCH_REQUESTS})
 * @param maxTake the most messages one takeFromQueue returns ({@code MPR_MAX_TAKE})
 * @param maxTakeBytes the most payload bytes one takeFromQueue returns ({@code MPR_MAX_TAKE_BYTES}); at least
 *     {@code maxPayloadBytes}, so that every message can be taken
 * @param writeBufferHighBytes unsent bytes of a socket above which its requests are no longer read, until
 *     half of them are sent ({@code MPR_WRITE_BUFFER_HIGH_BYTES})
 * @param writeBufferLimitBytes unsent bytes of a socket past which it is closed with 1008
 *     ({@code MPR_WRITE_BUFFER_LIMIT_BYTES})
 * @param writeStall how long a socket may stay above {@code writeBufferHighBytes} before it is closed with
 *     1008 ({@code MPR_WRITE_STALL_MS})
 * @param visibilityTimeout how long a handed-out message waits for removal ({@code MPR_VISIBILITY_TIMEOUT_MS})
 * @param workerThreads threads that run store operations ({@code MPR_WORKER_THREADS})
 * @param shutdownGrace how long shutdown waits for requests in flight ({@code MPR_SHUTDOWN_GRACE_MS})
 * @param redis how to reach Redis when {@code store} is {@link Store#REDIS} ({@code REDIS_TYPE},
 *     {@code REDIS_URL}, {@code REDIS_NODES}, {@code REDIS_NATMAP}, {@code MPR_REDIS_*}), else {@code null}
 * @param callback the callback gateway's settings ({@code MPR_CALLBACK_*})
 * @param push push notification providers and their limits (see {@link PushConfig})
 * @param mongo how to reach MongoDB when {@code store} is {@link Store#MONGO} or {@link Store#TIERED}
 *     ({@code MONGODB_URI}, {@code MPR_MONGO_*}), else {@code null}
 * @param tiering how MongoDB is used behind Redis when {@code store} is {@link Store#TIERED}
 *     ({@code THRESHOLD_TIMESTAMP}, {@code MPR_MONGO_WRITE_THROUGH}, {@code MPR_TIER_*}), else {@code null}
 * @param tls TLS on both ports ({@code MPR_TLS_*}), or {@code null} for plain ws:// and http://
 */
public record ServerConfig(
    int appPort,
    int wsPort,
    String bindAddress,
    Store store,
    Path dataDir,
    boolean embeddedFsync,
    int embeddedCacheMb,
    int embeddedMinFreeMb,
    List<AuthToken> authTokens,
    int maxFrameBytes,
    int maxPayloadBytes,
    int maxInFlight,
    int maxBatchRequests,
    int maxTake,
    int maxTakeBytes,
    int writeBufferHighBytes,
    int writeBufferLimitBytes,
    Duration writeStall,
    Duration visibilityTimeout,
    int workerThreads,
    Duration shutdownGrace,
    RedisSettings redis,
    CallbackConfig callback,
    PushConfig push,
    MongoSettings mongo,
    TieringSettings tiering,
    TlsConfig tls) {

  /** The stores this build supports. */
  public enum Store {
    /** Durable, on local disk (the default). */
    EMBEDDED,
    /** In heap memory, lost when the process ends. */
    MEMORY,
    /** On Redis (single node or Cluster), shared by every instance. */
    REDIS,
    /** On MongoDB, for one instance (live sessions stay in the process). */
    MONGO,
    /** On Redis, shared by every instance, with messages older than a threshold moved to MongoDB. */
    TIERED
  }

  public static final String APP_PORT = "APP_PORT";
  public static final String WS_PORT = "WS_PORT";
  public static final String MPR_BIND_ADDRESS = "MPR_BIND_ADDRESS";
  public static final String MPR_STORE = "MPR_STORE";
  public static final String MPR_DATA_DIR = "MPR_DATA_DIR";
  public static final String MPR_EMBEDDED_FSYNC = "MPR_EMBEDDED_FSYNC";
  public static final String MPR_EMBEDDED_CACHE_MB = "MPR_EMBEDDED_CACHE_MB";
  public static final String MPR_EMBEDDED_MIN_FREE_MB = "MPR_EMBEDDED_MIN_FREE_MB";
  public static final String MPR_AUTH_TOKENS = "MPR_AUTH_TOKENS";
  public static final String MPR_MAX_FRAME_BYTES = "MPR_MAX_FRAME_BYTES";
  public static final String MPR_MAX_PAYLOAD_BYTES = "MPR_MAX_PAYLOAD_BYTES";
  public static final String MPR_MAX_IN_FLIGHT = "MPR_MAX_IN_FLIGHT";
  public static final String MPR_MAX_BATCH_REQUESTS = "MPR_MAX_BATCH_REQUESTS";
  public static final String MPR_MAX_TAKE = "MPR_MAX_TAKE";
  public static final String MPR_MAX_TAKE_BYTES = "MPR_MAX_TAKE_BYTES";
  public static final String MPR_WRITE_BUFFER_HIGH_BYTES = "MPR_WRITE_BUFFER_HIGH_BYTES";
  public static final String MPR_WRITE_BUFFER_LIMIT_BYTES = "MPR_WRITE_BUFFER_LIMIT_BYTES";
  public static final String MPR_WRITE_STALL_MS = "MPR_WRITE_STALL_MS";
  public static final String MPR_VISIBILITY_TIMEOUT_MS = "MPR_VISIBILITY_TIMEOUT_MS";
  public static final String MPR_WORKER_THREADS = "MPR_WORKER_THREADS";
  public static final String MPR_SHUTDOWN_GRACE_MS = "MPR_SHUTDOWN_GRACE_MS";
  public static final String REDIS_TYPE = "REDIS_TYPE";
  public static final String REDIS_URL = "REDIS_URL";
  public static final String REDIS_NODES = "REDIS_NODES";
  public static final String REDIS_NATMAP = "REDIS_NATMAP";
  public static final String MPR_REDIS_TIMEOUT_MS = "MPR_REDIS_TIMEOUT_MS";
  public static final String MPR_REDIS_POOL_SIZE = "MPR_REDIS_POOL_SIZE";
  public static final String MPR_REDIS_KEY_PREFIX = "MPR_REDIS_KEY_PREFIX";
  public static final String MPR_INSTANCE_TTL_MS = "MPR_INSTANCE_TTL_MS";
  public static final String MONGODB_URI = "MONGODB_URI";
  public static final String MPR_MONGO_DATABASE = "MPR_MONGO_DATABASE";
  public static final String MPR_MONGO_TIMEOUT_MS = "MPR_MONGO_TIMEOUT_MS";
  public static final String MPR_MONGO_WRITE_CONCERN = "MPR_MONGO_WRITE_CONCERN";
  public static final String THRESHOLD_TIMESTAMP = "THRESHOLD_TIMESTAMP";
  public static final String MPR_MONGO_WRITE_THROUGH = "MPR_MONGO_WRITE_THROUGH";
  public static final String MPR_MONGO_THREADS = "MPR_MONGO_THREADS";
  public static final String MPR_TIER_BATCH = "MPR_TIER_BATCH";
  public static final String MPR_TIER_INTERVAL_MS = "MPR_TIER_INTERVAL_MS";
  public static final String MPR_TIER_LEASE_MS = "MPR_TIER_LEASE_MS";
  public static final String MPR_LOG_FORMAT = "MPR_LOG_FORMAT";

  public ServerConfig {
    Env.checkPort(APP_PORT, appPort);
    Env.checkPort(WS_PORT, wsPort);
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(dataDir, "dataDir");
    authTokens = List.copyOf(authTokens);
    Env.checkMin(MPR_EMBEDDED_CACHE_MB, embeddedCacheMb, 1);
    Env.checkMin(MPR_EMBEDDED_MIN_FREE_MB, embeddedMinFreeMb, 0);
    Env.checkMin(MPR_MAX_FRAME_BYTES, maxFrameBytes, 1);
    Env.checkMin(MPR_MAX_PAYLOAD_BYTES, maxPayloadBytes, 1);
    Env.checkMin(MPR_MAX_IN_FLIGHT, maxInFlight, 1);
    Env.checkMin(MPR_MAX_BATCH_REQUESTS, maxBatchRequests, 1);
    Env.checkMin(MPR_MAX_TAKE, maxTake, 1);
    Env.checkMin(MPR_WRITE_BUFFER_HIGH_BYTES, writeBufferHighBytes, 2);
    Objects.requireNonNull(writeStall, "writeStall");
    if (writeStall.toMillis() < 1) {
      throw new ConfigurationException(MPR_WRITE_STALL_MS, "must be at least 1 ms, not " + writeStall);
    }
    if (maxTakeBytes < maxPayloadBytes) {
      throw new ConfigurationException(MPR_MAX_TAKE_BYTES, "must be at least " + MPR_MAX_PAYLOAD_BYTES + " ("
          + maxPayloadBytes + "), or a message could never be taken, not " + maxTakeBytes);
    }
    if (writeBufferLimitBytes < writeBufferHighBytes) {
      throw new ConfigurationException(MPR_WRITE_BUFFER_LIMIT_BYTES, "must be at least " + MPR_WRITE_BUFFER_HIGH_BYTES
          + " (" + writeBufferHighBytes + "), not " + writeBufferLimitBytes);
    }
    Env.checkMin(MPR_WORKER_THREADS, workerThreads, 1);
    Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
    if (visibilityTimeout.toMillis() < 1) {
      throw new ConfigurationException(MPR_VISIBILITY_TIMEOUT_MS, "must be at least 1 ms, not " + visibilityTimeout);
    }
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(callback, "callback");
    Objects.requireNonNull(push, "push");
    if (shutdownGrace.isNegative()) {
      throw new ConfigurationException(MPR_SHUTDOWN_GRACE_MS, "must not be negative");
    }
    if (maxPayloadBytes > maxFrameBytes) {
      throw new ConfigurationException(MPR_MAX_PAYLOAD_BYTES,
          "must not exceed " + MPR_MAX_FRAME_BYTES + " (" + maxFrameBytes + "), not " + maxPayloadBytes);
    }
    boolean onRedis = store == Store.REDIS || store == Store.TIERED;
    boolean onMongo = store == Store.MONGO || store == Store.TIERED;
    if (onRedis != (redis != null)) {
      throw new ConfigurationException(MPR_STORE, onRedis
          ? "is " + store.name().toLowerCase(Locale.ROOT) + ", but neither " + REDIS_URL + " nor " + REDIS_NODES
              + " is set"
          : "is " + store.name().toLowerCase(Locale.ROOT) + ", but Redis settings are given");
    }
    if (onMongo != (mongo != null)) {
      throw new ConfigurationException(MPR_STORE, onMongo
          ? "is " + store.name().toLowerCase(Locale.ROOT) + ", but " + MONGODB_URI + " is not set"
          : "is " + store.name().toLowerCase(Locale.ROOT) + ", but MongoDB settings are given");
    }
    if ((store == Store.TIERED) != (tiering != null)) {
      throw new ConfigurationException(MPR_STORE, "tiering settings are given if and only if the store is tiered");
    }
    Set<String> secrets = new HashSet<>();
    for (AuthToken t : authTokens) {
      if (!secrets.add(t.secret())) {
        throw new ConfigurationException(MPR_AUTH_TOKENS, "a token is listed twice");
      }
    }
  }

  /** The default largest payload: 8 MiB, for DIDComm messages that carry attachments (photos, documents). */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;
  /** The default largest WebSocket message: the largest payload and room for the request around it. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 10 * 1024 * 1024;
  /** The default most payload bytes of one take (or the largest payload, when that is larger): two of the largest messages. */
  public static final int DEFAULT_MAX_TAKE_BYTES = 16 * 1024 * 1024;

  /** The defaults: what {@link #fromEnvironment(Map)} returns for an empty environment. */
  public static ServerConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads the settings from environment variables (normally {@code System.getenv()}).
   *
   * @throws ConfigurationException naming the first variable that is malformed or unsupported
   */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    Env e = Env.of(env);
    RedisSettings redis = RedisConfigReader.read(e);
    MongoSettings mongo = MongoConfigReader.read(e);
    Store store = store(e, MPR_STORE, redis != null, mongo != null);
    TieringSettings tiering = TieringConfigReader.read(e, mongo);
    logFormat(e, MPR_LOG_FORMAT);
    int maxPayloadBytes = e.integer(MPR_MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, 1);
    return new ServerConfig(
        e.port(APP_PORT, 3500),
        e.port(WS_PORT, 3100),
        bindAddress(e, MPR_BIND_ADDRESS, "0.0.0.0"),
        store,
        e.path(MPR_DATA_DIR, "./data"),
        e.bool(MPR_EMBEDDED_FSYNC, false),
        e.integer(MPR_EMBEDDED_CACHE_MB, 4, 1),
        e.integer(MPR_EMBEDDED_MIN_FREE_MB, EmbeddedStoreSettings.DEFAULT_MIN_FREE_MB, 0),
        AuthTokensReader.read(e, MPR_AUTH_TOKENS),
        e.integer(MPR_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES, 1),
        maxPayloadBytes,
        e.integer(MPR_MAX_IN_FLIGHT, 256, 1),
        e.integer(MPR_MAX_BATCH_REQUESTS, 100, 1),
        e.integer(MPR_MAX_TAKE, 1000, 1),
        e.integer(MPR_MAX_TAKE_BYTES, Math.max(DEFAULT_MAX_TAKE_BYTES, maxPayloadBytes), 1),
        e.integer(MPR_WRITE_BUFFER_HIGH_BYTES, 1024 * 1024, 2),
        e.integer(MPR_WRITE_BUFFER_LIMIT_BYTES, 32 * 1024 * 1024, 2),
        Duration.ofMillis(e.integer(MPR_WRITE_STALL_MS, 60_000, 1)),
        Duration.ofMillis(e.integer(MPR_VISIBILITY_TIMEOUT_MS, 60_000, 1)),
        e.integer(MPR_WORKER_THREADS, PickupQueue.Settings.DEFAULT_WORKER_THREADS, 1),
        Duration.ofMillis(e.integer(MPR_SHUTDOWN_GRACE_MS, 10_000, 0)),
        redis,
        CallbackConfigReader.read(e),
        PushConfigReader.read(e),
        mongo,
        store == Store.TIERED ? tiering : null,
        TlsConfigReader.read(e));
  }

  /** Whether clients must present a token. */
  public boolean authenticationEnabled() {
    return !authTokens.isEmpty();
  }

  /** This configuration with other ports (0 picks free ones), for tests and embedding. */
  public ServerConfig withPorts(int wsPort, int appPort) {
    return new ServerConfig(appPort, wsPort, bindAddress, store, dataDir, embeddedFsync, embeddedCacheMb,
        embeddedMinFreeMb, authTokens, maxFrameBytes, maxPayloadBytes, maxInFlight, maxBatchRequests, maxTake,
        maxTakeBytes, writeBufferHighBytes, writeBufferLimitBytes, writeStall, visibilityTimeout, workerThreads,
        shutdownGrace, redis, callback, push, mongo, tiering, tls);
  }

  /** This configuration with TLS on both ports ({@code null}: plain ws:// and http://), for tests and embedding. */
  public ServerConfig withTls(TlsConfig tls) {
    return new ServerConfig(appPort, wsPort, bindAddress, store, dataDir, embeddedFsync, embeddedCacheMb,
        embeddedMinFreeMb, authTokens, maxFrameBytes, maxPayloadBytes, maxInFlight, maxBatchRequests, maxTake,
        maxTakeBytes, writeBufferHighBytes, writeBufferLimitBytes, writeStall, visibilityTimeout, workerThreads,
        shutdownGrace, redis, callback, push, mongo, tiering, tls);
  }

  /** The effective configuration as one block of {@code NAME=value} lines, tokens masked. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    line(sb, WS_PORT, wsPort);
    line(sb, APP_PORT, appPort);
    line(sb, MPR_BIND_ADDRESS, bindAddress);
    line(sb, MPR_STORE, store.name().toLowerCase(Locale.ROOT));
    line(sb, MPR_DATA_DIR, store == Store.EMBEDDED || store == Store.MONGO ? dataDir.toAbsolutePath()
        : dataDir + " (unused)");
    line(sb, MPR_EMBEDDED_FSYNC, embeddedFsync);
    line(sb, MPR_EMBEDDED_CACHE_MB, embeddedCacheMb);
    line(sb, MPR_EMBEDDED_MIN_FREE_MB, embeddedMinFreeMb);
    line(sb, MPR_AUTH_TOKENS, authTokens.isEmpty() ? "(none: every client is accepted)" : authTokens);
    line(sb, MPR_MAX_FRAME_BYTES, maxFrameBytes);
    line(sb, MPR_MAX_PAYLOAD_BYTES, maxPayloadBytes);
    line(sb, MPR_MAX_IN_FLIGHT, maxInFlight);
    line(sb, MPR_MAX_BATCH_REQUESTS, maxBatchRequests);
    line(sb, MPR_MAX_TAKE, maxTake);
    line(sb, MPR_MAX_TAKE_BYTES, maxTakeBytes);
    line(sb, MPR_WRITE_BUFFER_HIGH_BYTES, writeBufferHighBytes);
    line(sb, MPR_WRITE_BUFFER_LIMIT_BYTES, writeBufferLimitBytes);
    line(sb, MPR_WRITE_STALL_MS, writeStall.toMillis());
    line(sb, MPR_VISIBILITY_TIMEOUT_MS, visibilityTimeout.toMillis());
    line(sb, MPR_WORKER_THREADS, workerThreads);
    line(sb, MPR_SHUTDOWN_GRACE_MS, shutdownGrace.toMillis());
    if (redis != null) {
      line(sb, REDIS_TYPE, redis.isCluster() ? "cluster" : "single");
      line(sb, redis.isCluster() ? REDIS_NODES : REDIS_URL, redis.describe());
      line(sb, MPR_REDIS_TIMEOUT_MS, redis.timeout().toMillis());
      line(sb, MPR_REDIS_POOL_SIZE, redis.poolSize());
      line(sb, MPR_REDIS_KEY_PREFIX, redis.keyPrefix());
      line(sb, MPR_INSTANCE_TTL_MS, redis.instanceTtl().toMillis());
    }
    if (mongo != null) {
      line(sb, MONGODB_URI, mongo.describe());
      line(sb, MPR_MONGO_DATABASE, mongo.database());
      line(sb, MPR_MONGO_TIMEOUT_MS, mongo.timeout().toMillis());
      line(sb, MPR_MONGO_WRITE_CONCERN, writeConcernName(mongo.writeConcern()));
    }
    if (tiering != null) {
      line(sb, THRESHOLD_TIMESTAMP, tiering.threshold().toMillis());
      line(sb, MPR_MONGO_WRITE_THROUGH, tiering.writeThrough());
      line(sb, MPR_MONGO_THREADS, tiering.coldThreads());
      line(sb, MPR_TIER_BATCH, tiering.moveBatch());
      line(sb, MPR_TIER_INTERVAL_MS, tiering.moveInterval().toMillis());
      line(sb, MPR_TIER_LEASE_MS, tiering.leaseTtl().toMillis());
    }
    sb.append(tls == null ? "\n  MPR_TLS_CERT_FILE=(none: plain ws:// and http://)" : tls.describe());
    sb.append(callback.describe());
    push.describe(sb);
    return sb.toString();
  }

  /** Like {@link #describe()}: the secrets of the tokens never appear. */
  @Override
  public String toString() {
    return "ServerConfig{" + describe().strip().replace("\n  ", ", ") + "}";
  }

  private static String writeConcernName(MongoSettings.Acknowledgement w) {
    return w == MongoSettings.Acknowledgement.MAJORITY ? "majority" : "1";
  }

  private static void line(StringBuilder sb, String name, Object value) {
    sb.append("\n  ").append(name).append('=').append(value);
  }

  /** MPR_LOG_FORMAT, which logback.xml reads itself: checked here so that a typo stops start-up. */
  private static void logFormat(Env e, String name) {
    String v = e.get(name);
    if (v != null && !v.equals("text") && !v.equals("json")) {
      throw new ConfigurationException(name, "must be text or json, not '" + v + "'");
    }
  }

  private static String bindAddress(Env e, String name, String defaultValue) {
    String v = e.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      InetAddress.getByName(v);
    } catch (UnknownHostException | SecurityException ex) {
      throw new ConfigurationException(name, "must be an IP address or a resolvable host name, not '" + v + "'");
    }
    return v;
  }

  private static Store store(Env e, String name, boolean redisConfigured, boolean mongoConfigured) {
    String v = e.get(name);
    if (v == null) {
      if (redisConfigured && mongoConfigured) {
        return Store.TIERED;
      }
      return redisConfigured ? Store.REDIS : mongoConfigured ? Store.MONGO : Store.EMBEDDED;
    }
    Store store;
    switch (v.toLowerCase(Locale.ROOT)) {
      case "embedded":
        store = Store.EMBEDDED;
        break;
      case "memory":
        store = Store.MEMORY;
        break;
      case "redis":
        store = Store.REDIS;
        break;
      case "mongo":
        store = Store.MONGO;
        break;
      case "tiered":
        store = Store.TIERED;
        break;
      default:
        throw new ConfigurationException(name, "must be embedded, memory, redis, mongo or tiered, not '" + v + "'");
    }
    boolean needsMongo = store == Store.MONGO || store == Store.TIERED;
    boolean needsRedis = store == Store.REDIS || store == Store.TIERED;
    if (needsMongo && !mongoConfigured) {
      throw new ConfigurationException(MONGODB_URI, "must be set when " + name + " is " + v);
    }
    if (!needsMongo && mongoConfigured) {
      throw new ConfigurationException(name, "is " + v + ", but " + MONGODB_URI + " is set: unset it, or leave "
          + name + " unset to use MongoDB" + (redisConfigured ? " behind Redis" : ""));
    }
    if (needsRedis && !redisConfigured) {
      throw new ConfigurationException(REDIS_URL, "must be set (or " + REDIS_NODES + " for a cluster) when "
          + name + " is " + v);
    }
    if (!needsRedis && redisConfigured) {
      throw new ConfigurationException(name, "is " + v + ", but " + REDIS_URL + " or " + REDIS_NODES
          + " is set: unset them, or leave " + name + " unset to use Redis");
    }
    return store;
  }
}
