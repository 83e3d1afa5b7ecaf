package io.github.mpr4j.server.callback;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.callback.CallbackAdd;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.jsonrpc.Timestamps;
import io.github.mpr4j.server.CallbackConfig;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callback gateway's logic over the pickup queue: a clientId is the connection
 * {@value #NAMESPACE}{@code clientId} of the same queue, a notification is a message in it (payload
 * {@code {"data":<body>}}), a browser socket is a holder with a live session on it, and an ack removes
 * messages. Registrations live in a {@link CallbackRegistry}, reached through the core's one entry point, a
 * {@link CallbackQueue}. A POST is one {@link CallbackQueue#addIfRegistered}; the registry's other calls (create, touch, sweep) run on this gateway's
 * small executor; nothing blocks an event loop.
 */
final class GatewayCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
  /** The connectionId prefix of callback queues; the JSON-RPC API refuses connectionIds with it. */
  static final String NAMESPACE = CallbackRegistry.CONNECTION_PREFIX;
  /** The one recipient of every notification (removeAllMessages needs one). */
  static final String RECIPIENT = "callback";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CallbackConfig config;
  private final CallbackQueue callbacks;
  private final CallbackRegistry registry;
  private final MessagePickupRepository backend;
  private final Supplier<MessagePickupRepository> holders;
  private final Clock clock;
  private final CallbackMetrics metrics;
  private final RegistrationLimiter limiter;
  /** Runs the registry's calls, which may block; {@link #ownedPool} or, in tests, the caller's thread. */
  private final Executor registryCalls;
  /** The gateway's own pool for registry calls, shut down by {@link #close}; null when it was given one. */
  private final ExecutorService ownedPool;
  private final ScheduledExecutorService timer;
  /** Browser sockets of this instance, closed with 1001 at shutdown. */
  private final ChannelGroup sockets = new DefaultChannelGroup("callback-sockets", GlobalEventExecutor.INSTANCE);
  /** clientIds with a browser socket on this instance, and how many sockets each. */
  private final Map<String, Integer> connected = new ConcurrentHashMap<>();
  /** Validates browser tokens against the backend; null when browsers need no token. */
  private final BrowserAuthenticator authenticator;
  /**
   * clientIds this instance has seen receive a POST since their unused deadline was cleared (only with
   * MPR_CALLBACK_UNUSED_TTL_MS): saves the registry call on later POSTs; forgotten when it grows large.
   */
  private final Map<String, Boolean> knownUsed = new ConcurrentHashMap<>();
  private static final int MAX_KNOWN_USED = 100_000;
  /** Sends Web Push; null when it is off. */
  private final PushNotifier push;
  /** The attribute holding a registration's Web Push subscription (JSON). */
  static final String WEBPUSH = "webpush";
  /** The attribute holding the deadline of a registration that has received no POST yet. */
  static final String UNUSED_UNTIL = "unusedUntil";

  /**
   * A gateway with its own small pool for registry calls; {@code push} sends Web Push (when {@code
   * config.webPush()} is set) and may be null otherwise. Its timers (touches, sweeps) run from {@link #start}.
   */
  GatewayCore(CallbackQueue callbacks, CallbackConfig config, Clock clock, CallbackMetrics metrics,
      PushNotifier push) {
    this(callbacks, config, clock, metrics, push, null);
  }

  /** With the executor of registry calls (tests: the caller's thread), or null for the gateway's own pool. */
  GatewayCore(CallbackQueue callbacks, CallbackConfig config, Clock clock, CallbackMetrics metrics,
      PushNotifier push, Executor registryCalls) {
    this.push = config.webPush() == null ? null : push;
    this.config = config;
    this.callbacks = callbacks;
    this.registry = callbacks.registry();
    this.backend = callbacks.openRepository();
    this.holders = callbacks::openRepository;
    this.clock = clock;
    this.metrics = metrics;
    this.limiter = new RegistrationLimiter(config.registrationsPerMinute(), clock);
    this.ownedPool = registryCalls == null ? registryPool() : null;
    this.registryCalls = registryCalls == null ? ownedPool : registryCalls;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mpr-callback-timer");
      t.setDaemon(true);
      return t;
    });
    this.authenticator = config.auth() == null ? null : new BrowserAuthenticator(config.auth(), clock, this.registryCalls);
  }

  private static ExecutorService registryPool() {
    return new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
      Thread t = new Thread(r, "mpr-callback-registry");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the timers: connected browsers' registrations are touched, expired ones swept. */
  void start() {
    long touchEvery = Math.max(100, config.idleExpiry().toMillis() / 3);
    timer.scheduleWithFixedDelay(this::touchConnected, touchEvery, touchEvery, TimeUnit.MILLISECONDS);
    long sweepEvery = Math.max(100, Math.min(60_000, config.idleExpiry().toMillis() / 2));
    timer.scheduleWithFixedDelay(this::sweep, sweepEvery, sweepEvery, TimeUnit.MILLISECONDS);
  }

  CallbackConfig config() {
    return config;
  }

  static String connectionId(String clientId) {
    return CallbackRegistry.connectionId(clientId);
  }

  /** Whether a source address may register one more client now (counts the attempt when it may). */
  boolean mayRegister(String sourceAddress) {
    return limiter.tryAcquire(sourceAddress);
  }

  /** Whether browsers must present a token. */
  boolean authRequired() {
    return authenticator != null;
  }

  /** Validates a browser's token (only when {@link #authRequired()}); never fails. */
  CompletableFuture<BrowserAuthenticator.Result> authenticate(String token) {
    return authenticator.check(token);
  }

  /** Registers a new random clientId, bound to {@code userId} when it is not null. */
  CompletableFuture<String> register(String userId) {
    return onRegistryThread(() -> {
      long now = clock.millis();
      long unused = config.unusedTtl().toMillis();
      long deadline = now + (unused > 0 ? Math.min(unused, config.idleExpiry().toMillis()) : config.idleExpiry().toMillis());
      String id;
      do {
        id = UUID.randomUUID().toString();
      } while (!registry.create(id, now, deadline));
      if (unused > 0) {
        registry.setAttribute(id, UNUSED_UNTIL, Long.toString(now + unused), now);
      }
      if (userId != null) {
        registry.bindUser(id, userId, now, config.auth().maxBrowsersPerUser());
      }
      metrics.callbackRegistered();
      return id;
    });
  }

  /**
   * Resumes a registration: true, with its idle time restarted, if it exists and belongs to the socket's
   * user. With authentication on, a registration bound to another user (or to a user, when the token
   * names none) is not resumed, and one bound to no user is bound to the token's user now.
   */
  CompletableFuture<Boolean> resume(String clientId, String userId) {
    return onRegistryThread(() -> {
      if (authenticator != null) {
        long now = clock.millis();
        String owner = registry.attributes(clientId, now).get(CallbackRegistry.USER);
        if (owner != null && !owner.equals(userId)) {
          return false;
        }
        if (!touchNow(clientId)) {
          return false;
        }
        if (owner == null && userId != null) {
          registry.bindUser(clientId, userId, now, config.auth().maxBrowsersPerUser());
        }
        return true;
      }
      return touchNow(clientId);
    });
  }

  /** Tracks a browser socket for shutdown (it leaves the group by itself when it closes). */
  void track(Channel channel) {
    sockets.add(channel);
  }

  /** A new holder of live sessions, for one browser socket. */
  MessagePickupRepository openHolder() {
    return holders.get();
  }

  void socketOpened(String clientId) {
    connected.merge(clientId, 1, Integer::sum);
    metrics.callbackSocketOpened();
  }

  /** A browser socket closed: its idle time starts now. */
  void socketClosed(String clientId) {
    connected.computeIfPresent(clientId, (id, n) -> n > 1 ? n - 1 : null);
    metrics.callbackSocketClosed();
    onRegistryThread(() -> touchNow(clientId));
  }

  /**
   * Parses a notification body: exactly one JSON value. The value is copied token by token into the
   * payload's UTF-8 bytes (compact: insignificant whitespace goes), without a tree or a String of it.
   *
   * @return the stored payload {@code {"data":<compact body>}}, or {@code null} when the body is not JSON
   */
  static EncryptedMessage payloadOf(byte[] body) {
    Utf8Out out = new Utf8Out(body.length + 16);
    out.write(DATA_PREFIX, 0, DATA_PREFIX.length);
    try (JsonParser parser = JSON.getFactory().createParser(body);
        JsonGenerator copy = JSON.getFactory().createGenerator(out)) {
      if (parser.nextToken() == null) {
        return null; // empty, or only whitespace
      }
      copy.copyCurrentStructure(parser);
      if (parser.nextToken() != null) {
        return null; // more than one value
      }
    } catch (IOException e) {
      return null;
    }
    out.write('}');
    return out.payload();
  }

  private static final byte[] DATA_PREFIX = "{\"data\":".getBytes(StandardCharsets.US_ASCII);

  /** The payload's UTF-8 bytes as they are written, wrapped without another copy of the text. */
  private static final class Utf8Out extends ByteArrayOutputStream {
    Utf8Out(int size) {
      super(size);
    }

    EncryptedMessage payload() {
      return EncryptedMessage.ofJsonUtf8(buf, 0, count);
    }
  }

  /**
   * Stores a notification for a client and tells whether a browser held it live: one {@link
   * CallbackQueue#addIfRegistered} (on Redis one atomic script call; no thread waits for it).
   */
  CompletableFuture<CallbackAdd> post(String clientId, EncryptedMessage payload) {
    return callbacks.addIfRegistered(clientId,
        AddMessageOptions.of(connectionId(clientId), List.of(RECIPIENT), payload), config.maxPending())
        .thenApply(added -> {
          if (added.messageId() != null) {
            metrics.callbackPosted(added.status() == CallbackAdd.Status.LIVE);
            markUsed(clientId);
            if (added.status() == CallbackAdd.Status.PENDING && push != null) {
              wakeUp(clientId, added.messageId());
            }
          }
          return added;
        });
  }

  /** The outcome of a POST to a user: how many of its browsers got it, live or pending, and how many refused. */
  record UserPostOutcome(int live, int pending, int tooManyPending, List<String> ids) {
    int stored() {
      return live + pending;
    }
  }

  /**
   * Stores a notification for every live registration bound to a user (found in the registry, so on
   * every instance), each as a POST to that clientId would.
   */
  CompletableFuture<UserPostOutcome> postToUser(String userId, EncryptedMessage payload) {
    int max = config.auth() == null ? 0 : config.auth().maxBrowsersPerUser();
    return onRegistryThread(() -> registry.clientsOfUser(userId, clock.millis(), max))
        .thenCompose(clients -> {
          List<CompletableFuture<CallbackAdd>> posts = new ArrayList<>();
          for (String clientId : clients) {
            posts.add(post(clientId, payload));
          }
          return CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            int live = 0;
            int pending = 0;
            int refused = 0;
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<CallbackAdd> f : posts) {
              CallbackAdd o = f.join();
              switch (o.status()) {
                case LIVE -> live++;
                case PENDING -> pending++;
                case TOO_MANY_PENDING -> refused++;
                default -> { } // expired since the look-up
              }
              if (o.messageId() != null) {
                ids.add(o.messageId());
              }
            }
            return new UserPostOutcome(live, pending, refused, ids);
          });
        });
  }

  /**
   * A notification was stored as pending: when the browser has a Web Push subscription, one push goes to it
   * through the push lanes (which skip it if the browser has come back meanwhile, and de-duplicate per
   * subscription). The push only wakes the user; the notification itself is delivered over the socket.
   */
  private void wakeUp(String clientId, String messageId) {
    onRegistryThread(() -> registry.attributes(clientId, clock.millis()).get(WEBPUSH)).thenAccept(subscription -> {
      if (subscription != null) {
        push.notify(new PushRequest(connectionId(clientId), messageId,
            new PushNotificationToken(PushNotificationToken.WEBPUSH, subscription)));
      }
    }).exceptionally(e -> {
      log.warn("could not read the Web Push subscription of a callback client: {}", e.toString());
      return null;
    });
  }

  /** The largest subscription a browser may store, in characters of its JSON. */
  static final int MAX_SUBSCRIPTION_CHARS = 4096;

  /**
   * Checks a browser's {@code PushSubscription.toJSON()} and returns the JSON to store: {@code endpoint} an
   * https URL on an allowed push-service host, {@code keys.p256dh} a P-256 point and {@code keys.auth} 16
   * bytes, both base64url.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  String subscriptionJson(JsonNode sub) {
    String endpoint = sub.path("endpoint").asText("");
    java.net.URI uri;
    try {
      uri = new java.net.URI(endpoint);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("endpoint is not a URL");
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint must be an https URL");
    }
    if (!config.webPush().allowsHost(uri.getHost())) {
      throw new IllegalArgumentException("endpoint's host " + uri.getHost() + " is not an allowed push service"
          + " (MPR_WEBPUSH_ENDPOINT_HOSTS)");
    }
    String p256dh = sub.path("keys").path("p256dh").asText("");
    String auth = sub.path("keys").path("auth").asText("");
    io.github.mpr4j.push.internal.WebPushCrypto.publicKey(io.github.mpr4j.push.internal.WebPushCrypto.fromBase64Url(p256dh));
    if (io.github.mpr4j.push.internal.WebPushCrypto.fromBase64Url(auth).length != 16) {
      throw new IllegalArgumentException("keys.auth must be 16 bytes");
    }
    String json;
    try {
      json = JSON.writeValueAsString(Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh, "auth", auth)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (json.length() > MAX_SUBSCRIPTION_CHARS) {
      throw new IllegalArgumentException("longer than " + MAX_SUBSCRIPTION_CHARS + " characters");
    }
    return json;
  }

  /** Whether Web Push is on (the VAPID keys are set). */
  boolean webPushEnabled() {
    return push != null;
  }

  /** Stores (or, with null, removes) a browser's Web Push subscription; false when the registration is gone. */
  CompletableFuture<Boolean> setSubscription(String clientId, String subscriptionJson) {
    return onRegistryThread(() -> subscriptionJson == null
        ? registry.removeAttribute(clientId, WEBPUSH, clock.millis()) || registry.exists(clientId, clock.millis())
        : registry.setAttribute(clientId, WEBPUSH, subscriptionJson, clock.millis()));
  }

  /** The push service said a subscription is gone (404/410): it is removed unless the browser replaced it. */
  void subscriptionGone(PushRequest request) {
    if (!PushNotificationToken.WEBPUSH.equals(request.token().type())
        || !request.connectionId().startsWith(NAMESPACE)) {
      return;
    }
    String clientId = request.connectionId().substring(NAMESPACE.length());
    onRegistryThread(() -> {
      long now = clock.millis();
      if (request.token().token().equals(registry.attributes(clientId, now).get(WEBPUSH))) {
        registry.removeAttribute(clientId, WEBPUSH, now);
        log.info("a Web Push subscription of a callback client is gone (the push service answered 404 or 410):"
            + " removed");
      }
      return null;
    });
  }

  /** A POST was stored: the registration is used, and lives on for the idle time (MPR_CALLBACK_UNUSED_TTL_MS). */
  private void markUsed(String clientId) {
    if (config.unusedTtl().isZero() || knownUsed.containsKey(clientId)) {
      return;
    }
    if (knownUsed.size() >= MAX_KNOWN_USED) {
      knownUsed.clear();
    }
    knownUsed.put(clientId, Boolean.TRUE);
    onRegistryThread(() -> {
      long now = clock.millis();
      if (registry.removeAttribute(clientId, UNUSED_UNTIL, now)) {
        registry.touch(clientId, now, now + config.idleExpiry().toMillis());
      }
      return null;
    }).exceptionally(e -> {
      knownUsed.remove(clientId);
      log.warn("could not record that a callback registration was used: {}", e.toString());
      return null;
    });
  }

  /** Removes acknowledged notifications. */
  CompletableFuture<Void> ack(String clientId, List<String> ids) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return backend.removeMessages(new RemoveMessagesOptions(connectionId(clientId), ids));
  }

  /** Whether a notification's time to live has run out. */
  boolean expired(QueuedMessage m, long nowMillis) {
    return m.receivedAt().toEpochMilli() + config.notificationTtl().toMillis() <= nowMillis;
  }

  long nowMillis() {
    return clock.millis();
  }

  /** The frame that delivers a notification: its payload {@code {"data":..}} with type, id and receivedAt. */
  static String notificationFrame(QueuedMessage m) {
    String payload = m.encryptedMessage().json();
    return "{\"type\":\"notification\",\"id\":\"" + m.id() + "\",\"receivedAt\":\""
        + Timestamps.format(m.receivedAt()) + "\"," + payload.substring(1);
  }

  static String registeredFrame(String clientId, String callbackUrl) {
    try {
      return JSON.writeValueAsString(Map.of("type", "registered", "clientId", clientId,
          "callbackUrl", callbackUrl));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The callback URL of a client: the configured base URL, else one derived from the request's Host. */
  String callbackUrl(String clientId, String host) {
    String base = config.baseUrl() != null ? config.baseUrl() : "http://" + (host == null ? "localhost" : host);
    return base + "/callback/" + clientId;
  }

  /**
   * Restarts a registration's idle time; a registration that has received no POST yet is never extended
   * past its unused deadline (MPR_CALLBACK_UNUSED_TTL_MS).
   */
  private boolean touchNow(String clientId) {
    long now = clock.millis();
    long deadline = now + config.idleExpiry().toMillis();
    if (!config.unusedTtl().isZero() && !knownUsed.containsKey(clientId)) {
      String unusedUntil = registry.attributes(clientId, now).get(UNUSED_UNTIL);
      if (unusedUntil != null) {
        deadline = Math.min(deadline, Long.parseLong(unusedUntil));
        if (deadline <= now) {
          return false;
        }
      }
    }
    return registry.touch(clientId, now, deadline);
  }

  private void touchConnected() {
    for (String clientId : List.copyOf(connected.keySet())) {
      try {
        touchNow(clientId);
      } catch (RuntimeException e) {
        log.warn("could not extend the registration of a connected browser: {}", e.toString());
      }
    }
  }

  /** Removes expired registrations and their notifications, and forgets old rate-limit windows. */
  private void sweep() {
    try {
      limiter.forgetOld();
      for (String clientId : registry.removeExpired(clock.millis(), 1000)) {
        backend.removeAllMessages(new RemoveAllMessagesOptions(connectionId(clientId), RECIPIENT));
      }
    } catch (RuntimeException e) {
      log.warn("the sweep of expired callback registrations failed: {}", e.toString());
    }
  }

  private <T> CompletableFuture<T> onRegistryThread(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, registryCalls);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    sockets.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down"))
        .awaitUninterruptibly(2_000);
    sockets.close().awaitUninterruptibly(2_000);
    timer.shutdownNow();
    if (ownedPool != null) {
      ownedPool.shutdown();
      try {
        ownedPool.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    backend.close();
    try {
      callbacks.close();
    } catch (Exception e) {
      log.warn("closing the callback registry failed: {}", e.toString());
    }
  }
}
