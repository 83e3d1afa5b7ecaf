package io.github.mpr4j.client;

import io.github.mpr4j.client.internal.ClientSettings;
import io.github.mpr4j.client.internal.DefaultMprClient;
import io.github.mpr4j.protocol.BlockingPickupRepository;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MessagePickupRepository} backed by a remote MPR server over one WebSocket: the same interface as
 * the in-process core ({@code PickupQueue.openRepository()}), so a mediator switches between embedded and
 * remote in one line.
 *
 * <pre>{@code
 * MprClient mpr = MprClient.builder()
 *     .uri(URI.create("ws://mpr.internal:3100"))
 *     .authToken(System.getenv("MPR_TOKEN"))
 *     .build();                       // connects in the background
 * mpr.whenConnected().join();         // optional: requests made before wait for the connection
 * }</pre>
 *
 * <p><b>Threads.</b> Every method is safe from any thread and never blocks; the asynchronous ones never
 * throw (null options fail the future with -32602, as the server would answer; a null listener is refused
 * with a {@code NullPointerException}). Results and failures come through the returned futures, which fail with
 * {@link io.github.mpr4j.protocol.MprRpcException} when the server answered with an error and with
 * {@link io.github.mpr4j.protocol.MprTransportException} when no answer came (timeout, lost connection,
 * closed client). The futures are completed on the completion executor (by default two threads of the
 * client's own, see {@link Builder#completionExecutor}), never on the client's I/O thread, so a stage added
 * with {@code thenApply}, {@code thenAccept} etc. that blocks does not stall the socket. The messagesReceived
 * listeners and the {@link ConnectionStateListener} run on the callback executor, one call at a time, in
 * order.
 *
 * <p><b>Reconnection.</b> When the socket drops, requests in flight fail (whether they took effect is
 * unknown, so none is resent), and the client reconnects with exponential backoff and jitter, re-subscribes
 * to messagesReceived once, and re-adds every live session it holds with the same sessionId before it
 * reports itself connected and sends the requests that waited. Listeners belong to the client, not to a
 * socket: they are never duplicated by a reconnect.
 *
 * <p>{@link #close()} is idempotent and never blocks; it fails every pending call, closes the socket (which
 * ends the live sessions the client holds) and releases the client's threads.
 */
public interface MprClient extends MessagePickupRepository {

  /**
   * A builder; {@link Builder#uri(URI)} is required.
   *
   * @return a new builder with every default
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Completes when the client is connected (at once when it is), with its live sessions restored; fails
   * with an {@link io.github.mpr4j.protocol.MprTransportException} when the client is closed or gives up.
   *
   * @return the future (a new one per call)
   */
  CompletableFuture<Void> whenConnected();

  /**
   * Whether the client is connected now and its live sessions are restored.
   *
   * @return {@code true} when calls go out at once
   */
  boolean isConnected();

  /**
   * The server's endpoint.
   *
   * @return the URI the client was built with
   */
  URI uri();

  /**
   * Sends a ping; completes when the server answers {@code "pong"}.
   *
   * @return a future that fails as any call does (timeout, transport failure)
   */
  CompletableFuture<Void> ping();

  /**
   * A blocking view of this client whose calls wait at most {@code requestTimeout} plus 5 s (their futures
   * fail after {@code requestTimeout} by themselves; the margin covers the connection info provider). Do not
   * use it in a stage of one of this client's futures: see {@link BlockingPickupRepository}.
   *
   * @return the view
   */
  @Override
  BlockingPickupRepository sync();

  /** Builds an {@link MprClient}. Every setting but the URI has a default. */
  final class Builder {
    /** {@link #maxReconnectAttempts(int)} without a bound: the client never gives up (the default). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private @Nullable URI uri;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration reconnectInitialDelay = Duration.ofMillis(100);
    private Duration reconnectMaxDelay = Duration.ofSeconds(30);
    private double reconnectJitter = 0.2;
    private int maxReconnectAttempts = UNLIMITED;
    private @Nullable String authToken;
    private int maxInFlight = 256;
    private int maxWaitingCalls = 10_000;
    private int maxFrameBytes = 64 * 1024 * 1024;
    private @Nullable Executor callbackExecutor;
    private @Nullable Executor completionExecutor;
    private @Nullable ConnectionInfoProvider connectionInfoProvider;
    private boolean waitWhileDisconnected = true;
    private @Nullable ConnectionStateListener connectionStateListener;
    private Duration pingInterval = Duration.ofSeconds(30);
    private @Nullable SSLContext sslContext;

    Builder() {}

    /**
     * The server's WebSocket endpoint, {@code ws://host:port/} or {@code wss://...} (required).
     *
     * @param uri the endpoint
   * @return this builder
     */
    public Builder uri(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * How long a call waits for its answer, counted from the call, including any time it waits for the
     * connection or for a free in-flight slot. Default 10 s.
     *
     * @param requestTimeout the longest wait for an answer, positive
   * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * How long one attempt to open the socket (TCP and WebSocket handshake) may take. Default 10 s.
     *
     * @param connectTimeout the longest attempt, positive
   * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * The delay before the first reconnect attempt and the most between two attempts; the delay doubles
     * after each failed attempt. Defaults 100 ms and 30 s.
     *
     * @param initial the delay before the first attempt, positive
     * @param max the longest delay between two attempts, at least {@code initial}
   * @return this builder
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.reconnectInitialDelay = Objects.requireNonNull(initial, "initial");
      this.reconnectMaxDelay = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * The random part of each reconnect delay, from 0 (none) to 1: a delay {@code d} becomes a random value in
     * {@code [d * (1 - jitter), d]}, so that many clients of a restarted server do not return at once.
     * Default 0.2.
     *
     * @param jitter the random fraction of each delay, from 0 to 1
   * @return this builder
     */
    public Builder reconnectJitter(double jitter) {
      this.reconnectJitter = jitter;
      return this;
    }

    /**
     * After this many failed attempts in a row (the first connection included) the client gives up and
     * closes itself. Default {@link #UNLIMITED}.
     *
     * @param maxAttempts the most failed attempts in a row, 1 or more
   * @return this builder
     */
    public Builder maxReconnectAttempts(int maxAttempts) {
      this.maxReconnectAttempts = maxAttempts;
      return this;
    }

    /**
     * A token sent as {@code Authorization: Bearer <token>} on the WebSocket upgrade; default none.
     *
     * @param authToken the token (printable ASCII without spaces); {@code null} for none
   * @return this builder
     */
    public Builder authToken(@Nullable String authToken) {
      this.authToken = authToken;
      return this;
    }

    /**
     * The TLS settings of a {@code wss://} connection: the certificates it trusts (its trust managers) and,
     * for a server that asks for client certificates ({@code MPR_TLS_CA_FILE}), the certificate it presents
     * (its key managers). The server's name is checked against the URI's host either way. Default: the JDK's
     * trusted certificates and no client certificate.
     *
     * @param sslContext the TLS context, used only for {@code wss://}
   * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * The most requests sent and not yet answered; further calls wait in the client, in order, until an
     * answer frees a slot (bounded by their timeout). Keep it at or below the server's
     * {@code MPR_MAX_IN_FLIGHT} (256 by default). Default 256.
     *
     * @param maxInFlight the most unanswered requests, 1 or more
   * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * The most calls that wait in the client to be sent: while it is not connected, and while
     * {@link #maxInFlight(int)} requests are in flight. A call beyond it fails at once with a
     * {@link MprQueueFullException} (it was not sent). Each waiting call keeps its parameters (an addMessage
     * its payload) in memory. 0: no call waits. Default 10,000.
     *
     * @param maxWaitingCalls the most waiting calls, 0 or more
     * @return this builder
     */
    public Builder maxWaitingCalls(int maxWaitingCalls) {
      this.maxWaitingCalls = maxWaitingCalls;
      return this;
    }

    /**
     * The largest WebSocket message the client accepts from the server; larger close the socket. Default 64 MiB.
     *
     * @param maxFrameBytes the largest message in bytes, 1024 or more
   * @return this builder
     */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /**
     * The executor that calls the messagesReceived listeners and the {@link ConnectionStateListener}. The
     * client hands it one call at a time, in order, so even a pool executes them one after the other. The
     * client does not shut it down. Default: one daemon thread of the client's own.
     *
     * @param executor the executor of the listeners' calls
   * @return this builder
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The executor that completes the futures of the calls, so that stages added without an executor
     * ({@code thenApply}, {@code thenAccept}, {@code whenComplete}...) run there and not on the client's I/O
     * thread: a stage that blocks holds up that executor, never the socket. The client does not shut it down.
     * {@code Runnable::run} completes them on the I/O thread (the least overhead per call; stages must then
     * never block). Default: a pool of two daemon threads of the client's own.
     *
     * @param executor the executor of the completions
     * @return this builder
     */
    public Builder completionExecutor(Executor executor) {
      this.completionExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The source of push tokens and receive limits per connection; default none.
     *
     * @param provider the provider, called once per connection
   * @return this builder
     */
    public Builder connectionInfoProvider(ConnectionInfoProvider provider) {
      this.connectionInfoProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * {@code true} (the default): calls made while the client is not connected wait for the connection,
     * bounded by their timeout. {@code false}: they fail at once with an
     * {@link io.github.mpr4j.protocol.MprTransportException}.
     *
     * @param wait whether calls wait for the connection
   * @return this builder
     */
    public Builder waitWhileDisconnected(boolean wait) {
      this.waitWhileDisconnected = wait;
      return this;
    }

    /**
     * Detects a server that went silent without closing the socket (a dead peer, a network partition):
     * after this long without any frame from the server the client sends a WebSocket ping, and when another
     * interval passes without a frame it closes the socket and reconnects. {@link Duration#ZERO} turns it
     * off. Default 30 s.
     *
     * @param pingInterval the silence after which the client pings, or {@link Duration#ZERO} for no pings
   * @return this builder
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
      return this;
    }

    /**
     * Observes connects, disconnects, reconnect attempts and the close; default none.
     *
     * @param listener the listener, called on the callback executor
   * @return this builder
     */
    public Builder connectionStateListener(ConnectionStateListener listener) {
      this.connectionStateListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Checks the settings and starts the client; it connects in the background.
     *
     * @return the client, connecting
     * @throws IllegalArgumentException naming the first setting that is missing or out of range
     */
    public MprClient build() {
      if (uri == null) {
        throw new IllegalArgumentException("uri is required");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss")) {
        throw new IllegalArgumentException("uri must start with ws:// or wss://, not " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri has no host: " + uri);
      }
      if (sslContext != null && !scheme.equals("wss")) {
        throw new IllegalArgumentException("sslContext is set, but uri is not wss://: " + uri);
      }
      positive("requestTimeout", requestTimeout);
      positive("connectTimeout", connectTimeout);
      positive("reconnectBackoff initial", reconnectInitialDelay);
      if (pingInterval.isNegative()) {
        throw new IllegalArgumentException("pingInterval must not be negative, not " + pingInterval);
      }
      if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
        throw new IllegalArgumentException("reconnectBackoff max (" + reconnectMaxDelay
            + ") must not be less than initial (" + reconnectInitialDelay + ")");
      }
      if (!(reconnectJitter >= 0 && reconnectJitter <= 1)) {
        throw new IllegalArgumentException("reconnectJitter must be from 0 to 1, not " + reconnectJitter);
      }
      if (maxReconnectAttempts < 1) {
        throw new IllegalArgumentException("maxReconnectAttempts must be at least 1, not " + maxReconnectAttempts);
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
      }
      if (maxWaitingCalls < 0) {
        throw new IllegalArgumentException("maxWaitingCalls must not be negative, not " + maxWaitingCalls);
      }
      if (maxFrameBytes < 1024) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 1024, not " + maxFrameBytes);
      }
      if (authToken != null && (authToken.isBlank() || authToken.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
        throw new IllegalArgumentException("authToken must be printable ASCII without spaces");
      }
      ClientSettings settings = new ClientSettings(uri, requestTimeout, connectTimeout, reconnectInitialDelay,
          reconnectMaxDelay, reconnectJitter, maxReconnectAttempts, authToken, maxInFlight, maxWaitingCalls, maxFrameBytes,
          callbackExecutor, completionExecutor, connectionInfoProvider, waitWhileDisconnected,
          connectionStateListener == null ? new ConnectionStateListener() {} : connectionStateListener,
          pingInterval, sslContext);
      return DefaultMprClient.start(settings);
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
    }
  }
}
