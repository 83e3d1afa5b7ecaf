package io.github.mpr4j.server.internal;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.mongo.MongoQueueStores;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.tiering.TieredStores;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.push.PushDeduplicator;
import io.github.mpr4j.push.PushService;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.callback.CallbackRegistries;
import io.github.mpr4j.core.embedded.EmbeddedStoreSettings;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.server.ServerConfig;
import io.github.mpr4j.server.callback.CallbackGateway;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server behind {@link io.github.mpr4j.server.MprServer}: the pickup queue, the event loops,
 * the two listening sockets, and the shutdown sequence. Internal: use MprServer.
 */
public final class ServerRuntime {
  private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);
  /** Pending store operations before new ones are refused with -32002. */
  private static final int MAX_QUEUED_OPERATIONS = 10_000;

  private final ServerConfig config;
  private final Metrics metrics = new Metrics();
  private final WsConnections connections = new WsConnections();
  private volatile PickupQueue queue;
  private volatile CallbackGateway callbackGateway;
  /** Set by {@link #shareSpis} (tests): SPIs shared with other runtimes in this process. */
  private SharedSpis shared;
  private RedisBackend redis;
  private final Transport transport = Transport.available();
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel wsChannel;
  private Channel appChannel;
  private TlsContexts tls;
  private boolean started;
  private boolean closed;

  /** Whether the process is this server ({@code Main}): then its settings are logged at INFO, else at DEBUG. */
  private final boolean standalone;

  public ServerRuntime(ServerConfig config) {
    this(config, false);
  }

  public ServerRuntime(ServerConfig config, boolean standalone) {
    this.config = config;
    this.standalone = standalone;
  }

  /**
   * Opens the store and the queue and binds both ports.
   *
   * @throws IllegalStateException when the store cannot be opened or a port cannot be bound (everything
   *     opened so far is closed again)
   */
  public synchronized void start() {
    if (closed || started) {
      throw new IllegalStateException(closed ? "the server is closed" : "the server is already started");
    }
    started = true;
    if (standalone) {
      log.info("MPR server starting with:{}", config.describe());
    } else {
      log.debug("MPR server starting with:{}", config.describe());
    }
    if (!config.authenticationEnabled()) {
      log.warn("MPR_AUTH_TOKENS is not set: every WebSocket client is accepted without a token");
    }
    if (!config.callback().allowedOrigins().restricted()) {
      log.warn("MPR_CALLBACK_ALLOWED_ORIGINS is not set: pages of every origin may open the callback gateway's"
          + " socket, and browser pages may open the JSON-RPC socket");
    }
    try {
      PickupQueue.Builder builder = PickupQueue.builder();
      LiveSessions liveSessions = openBackend(builder);
      PushDeduplicator deduplicator = redis != null ? redisDeduplicator(redis) : PushDeduplicator.inProcess();
      // the queue closes it; it re-checks the same live sessions at send time
      PushService push = PushWiring.open(config.push(), config.callback().webPush(), liveSessions, deduplicator,
          this::pushTokenGone);
      metrics.push(push::stats);
      try {
        queue = builder
            .pushNotifier(push)
            .settings(new PickupQueue.Settings(config.visibilityTimeout(), config.maxTake(), config.workerThreads(),
                MAX_QUEUED_OPERATIONS))
            .build();
      } catch (RuntimeException e) {
        push.close();
        throw e;
      }
      LogInstance.set(queue.instanceId());
      bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mpr-accept"),
          transport.ioHandlerFactory());
      workerGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("mpr-io"),
          transport.ioHandlerFactory());
      metrics.eventLoops(workerGroup); // the I/O loops; the accept loop's one thread would collide with their names
      PickupQueue q = queue;
      if (config.tls() != null) {
        tls = TlsContexts.open(config.tls());
      }
      wsChannel = bind("WS_PORT", config.wsPort(), tls == null ? null : tls::ws,
          new WsChannelInitializer(new TokenVerifier(config.authTokens()), config.callback().allowedOrigins(),
              q::openRepository, RpcLimits.of(config, CallbackGateway.CONNECTION_PREFIX), connections, metrics));
      CallbackGateway gateway = CallbackGateway.build(CallbackQueue.over(q, openCallbackRegistry()), config.callback(),
          metrics, push);
      callbackGateway = gateway;
      gateway.start();
      HttpDispatcher routes = OpsEndpoints.addTo(new HttpDispatcher(), () -> queue, metrics)
          .routePrefix(CallbackGateway.PATH_PREFIX, gateway::handle);
      appChannel = bind("APP_PORT", config.appPort(), tls == null ? null : tls::app,
          new HttpChannelInitializer(routes, gateway.maxRequestBytes()));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    Optional<String> notReady = queue.notReadyReason();
    String s = tls == null ? "" : "s";
    String tlsText = tls == null ? "off" : tls.describe();
    if (notReady.isPresent()) {
      log.error("MPR server started but NOT READY ({}): JSON-RPC WebSocket on ws{}://{}:{}/, HTTP on http{}://{}:{}/"
          + " (health, ready, metrics), store {}, transport {}, TLS {}", notReady.get(), s, config.bindAddress(),
          wsPort(), s, config.bindAddress(), appPort(), config.store(), transport.describe(), tlsText);
    } else {
      log.info("MPR server ready: JSON-RPC WebSocket on ws{}://{}:{}/, HTTP on http{}://{}:{}/ (health, ready,"
          + " metrics), store {}, transport {}, TLS {}", s, config.bindAddress(), wsPort(), s, config.bindAddress(),
          appPort(), config.store(), transport.describe(), tlsText);
    }
  }

  /** A provider said a token is gone: a browser's Web Push subscription is forgotten. */
  private void pushTokenGone(io.github.mpr4j.core.spi.PushRequest request) {
    CallbackGateway g = callbackGateway;
    if (g != null) {
      g.subscriptionGone(request);
    }
  }

  /**
   * One push per token and window across every instance: one atomic SET NX PX in Redis. The key holds a
   * SHA-256 of the token, not the token.
   */
  private static PushDeduplicator redisDeduplicator(RedisBackend redis) {
    return (tokenKey, window) -> redis.setIfAbsent("push:" + sha256(tokenKey), window);
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens what the configuration names, in one call: Redis, or Redis in front of MongoDB, as the queue's
   * backend; or a blocking store (embedded, memory, MongoDB alone, or the test hook's shared one) that the
   * queue adapts with live sessions and a bus of this process.
   *
   * @return the live sessions, through the blocking SPI, for the push service's re-check at send time
   */
  private LiveSessions openBackend(PickupQueue.Builder builder) {
    if (config.store() == ServerConfig.Store.REDIS || config.store() == ServerConfig.Store.TIERED) {
      redis = connectRedis();
      Backend backend = config.store() == ServerConfig.Store.TIERED ? connectTiered(redis) : redis;
      builder.backend(backend);
      return redis.liveSessions();
    }
    if (shared != null) {
      builder.store(shared.store()).liveSessions(shared.liveSessions()).deliveryBus(shared.bus());
      return shared.liveSessions();
    }
    LiveSessions local = LiveSessions.local();
    builder.store(openStore()).liveSessions(local);
    return local;
  }

  private RedisBackend connectRedis() {
    try {
      return RedisBackend.connect(config.redis());
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not connect to " + config.redis().describe() + ": " + e, e);
    }
  }

  /** Redis in front of MongoDB; on failure, Redis is closed again. */
  private Backend connectTiered(RedisBackend backend) {
    try {
      return TieredStores.connect(backend, config.tiering());
    } catch (RuntimeException e) {
      backend.close();
      redis = null;
      throw new IllegalStateException("could not connect to " + config.mongo().describe() + ": " + e, e);
    }
  }

  private QueueStore openStore() {
    if (config.store() == ServerConfig.Store.MONGO) {
      try {
        return MongoQueueStores.connect(config.mongo());
      } catch (RuntimeException e) {
        throw new IllegalStateException("could not connect to " + config.mongo().describe() + ": " + e, e);
      }
    }
    try {
      return config.store() == ServerConfig.Store.MEMORY
          ? QueueStores.inMemory()
          : QueueStores.embedded(new EmbeddedStoreSettings(config.dataDir(), config.embeddedCacheMb(),
              config.embeddedFsync(), config.embeddedMinFreeMb()));
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not open the " + config.store().name().toLowerCase(java.util.Locale.ROOT)
          + " store" + (config.store() == ServerConfig.Store.EMBEDDED ? " in MPR_DATA_DIR " + config.dataDir() : "")
          + ": " + e, e);
    }
  }

  /**
   * The SPIs several runtimes of one process share, as instances share Redis: a test hook, to be called
   * before {@link #start()}. Each runtime closes what it is given, so pass wrappers whose close does
   * nothing.
   */
  record SharedSpis(QueueStore store, LiveSessions liveSessions, DeliveryBus bus, CallbackRegistry registry) {}

  synchronized ServerRuntime shareSpis(SharedSpis spis) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    this.shared = spis;
    return this;
  }

  private CallbackRegistry openCallbackRegistry() {
    if (shared != null) {
      return shared.registry();
    }
    if (redis != null) {
      return redis.callbackRegistry();
    }
    // on MongoDB (one instance) the callback registry stays on local disk, in MPR_DATA_DIR
    return config.store() == ServerConfig.Store.MEMORY
        ? CallbackRegistries.inMemory()
        : CallbackRegistries.embedded(config.dataDir());
  }

  /** Binds a port; with {@code tls} (not null) every connection starts with a TLS handler. */
  private Channel bind(String variable, int port, java.util.function.Supplier<io.netty.handler.ssl.SslContext> tls,
      ChannelInitializer<SocketChannel> initializer) {
    ServerBootstrap b = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(tls == null ? initializer : new TlsChannelInitializer(tls, initializer));
    try {
      return b.bind(config.bindAddress(), port).syncUninterruptibly().channel();
    } catch (Exception e) {
      throw new IllegalStateException("could not listen on " + variable + " " + port + " at " + config.bindAddress()
          + ": " + e, e);
    }
  }

  /** The bound WebSocket port. */
  public int wsPort() {
    return port(wsChannel);
  }

  /** The bound HTTP port. */
  public int appPort() {
    return port(appChannel);
  }

  private static int port(Channel c) {
    if (c == null) {
      throw new IllegalStateException("the server is not started");
    }
    return ((InetSocketAddress) c.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, lets the answers of requests in flight be written (within the shutdown
   * grace), closes every socket with 1001, then closes the queue and the event loops. Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    log.info("MPR server shutting down ({} sockets, {} frames in flight)", metrics.connections(),
        connections.inFlight());
    closeListener(wsChannel);
    closeListener(appChannel);
    connections.startDraining();
    while (connections.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (connections.inFlight() > 0) {
      log.warn("{} frames were still unanswered after MPR_SHUTDOWN_GRACE_MS", connections.inFlight());
    }
    connections.closeAll(2_000);
    if (callbackGateway != null) {
      callbackGateway.close();
    }
    PickupQueue q = queue;
    if (q != null) {
      q.close(Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1))));
    }
    shutdown(workerGroup);
    shutdown(bossGroup);
    if (tls != null) {
      tls.close();
    }
    metrics.close();
    log.info("MPR server stopped");
  }

  private static void closeListener(Channel c) {
    if (c != null) {
      c.close().awaitUninterruptibly(2_000);
    }
  }

  private static void shutdown(EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
  }
}
