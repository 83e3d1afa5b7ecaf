package io.github.mpr4j.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.client.ConnectionStateListener;
import io.github.mpr4j.protocol.MprException;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcRequests;
import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The client's socket and its life: one WebSocket on one Netty event loop of its own; connecting,
 * re-subscribing and restoring the live sessions it holds after each (re)connect, reconnecting with backoff,
 * ping on silence, and the frames that come in. It sends the calls of its {@link CallTable}. Every piece of
 * mutable state below the "event loop only" line is read and written on that loop alone, so it needs no
 * locks.
 */
final class Connection {
  private static final System.Logger LOG = System.getLogger(DefaultMprClient.class.getName());
  private static final ObjectMapper MAPPER = JsonRpcCodec.mapper();
  private static final JsonRpcRequests.Params MESSAGES_RECEIVED =
      JsonRpcRequests.eventNames(List.of(RpcMethod.MESSAGES_RECEIVED));

  /** What the connection tells its client; called on the event loop. */
  interface Events {
    /** A messagesReceived notification with at least one message. */
    void messagesReceived(String connectionId, List<QueuedMessage> messages);

    /** A connection state event for the user's listener. */
    void stateChanged(Consumer<ConnectionStateListener> event);

    /** The connection is closed for good (after the last {@link #stateChanged}). */
    void closed();
  }

  private enum State { CONNECTING, RESTORING, CONNECTED, WAITING_TO_RECONNECT, CLOSED }

  private final ClientSettings settings;
  private final Events events;
  private final long timeoutNanos;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final SslContext ssl;
  private final HttpHeaders upgradeHeaders;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Completions completions;
  private volatile boolean connected;

  // ---------------------------------------------------------------- event loop only
  private State state = State.CONNECTING;
  private Channel channel;
  private Throwable lastCause;
  private int attempts;
  private final CallTable calls;
  /** The re-subscription and live-session requests of a connection being restored. */
  private final ArrayDeque<Pending<?>> restoring = new ArrayDeque<>();
  private int restoreOutstanding;
  /** The live sessions this client holds: connectionId to sessionId, restored after a reconnect. */
  private final Map<String, String> sessions = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private boolean flushScheduled;
  private ScheduledFuture<?> sweeper;
  private final Runnable flushTask = this::flush;
  /** The buffer of the request being written, and the writer of all requests (one JSON generator). */
  private final ByteBufSink sink = new ByteBufSink();
  private final JsonRpcRequests.Writer requests = new JsonRpcRequests.Writer(sink);

  Connection(ClientSettings settings, int clientNumber, Completions completions, Events events) {
    this.settings = settings;
    this.completions = completions;
    this.events = events;
    this.timeoutNanos = settings.requestTimeout().toNanos();
    this.calls = new CallTable(settings.maxInFlight(), settings.maxWaitingCalls());
    if ("wss".equalsIgnoreCase(settings.uri().getScheme())) {
      try {
        ssl = settings.sslContext() == null ? SslContextBuilder.forClient().build()
            : new JdkSslContext(settings.sslContext(), true, null, IdentityCipherSuiteFilter.INSTANCE,
                ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, null, false);
      } catch (SSLException e) {
        throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
      }
    } else {
      ssl = null;
    }
    upgradeHeaders = new DefaultHttpHeaders();
    if (settings.authToken() != null) {
      upgradeHeaders.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.authToken());
    }
    this.group = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("mpr-client-" + clientNumber + "-io", true), NioIoHandler.newFactory());
    this.loop = group.next();
  }

  /** Starts connecting in the background. */
  void start() {
    loop.execute(this::begin);
  }

  /** Whether the connection is up and its live sessions are restored. */
  boolean isConnected() {
    return connected && !closed.get();
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Whether the caller runs on the connection's event loop. */
  boolean inEventLoop() {
    return loop.inEventLoop();
  }

  /** A new call whose deadline counts from now. */
  <T> Pending<T> newCall(String method, JsonRpcRequests.Params params, Pending.Decoder<T> decoder,
      CompletableFuture<T> future) {
    return new Pending<>(this, method, params, decoder, future, System.nanoTime() + timeoutNanos, false);
  }

  /** Where the futures of user calls and of {@code whenConnected} are completed. */
  Completions completions() {
    return completions;
  }

  /** Completes when connected (at once when it is); fails when closed. */
  void whenConnected(CompletableFuture<Void> f) {
    onLoop(f, () -> {
      if (state == State.CONNECTED) {
        completions.complete(f, null, null);
      } else if (state == State.CLOSED) {
        completions.complete(f, null, closedException());
      } else {
        connectWaiters.add(f);
      }
    });
  }

  /** Closes for good; idempotent, never blocks. */
  void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        loop.execute(() -> closeOnLoop(closedException()));
      } catch (RejectedExecutionException e) {
        // the loop is already gone
      }
    }
  }

  MprTransportException closedException() {
    return new MprTransportException("the client of " + settings.uri() + " is closed");
  }

  // ================================================================ live sessions held

  /** On the loop: the server confirmed that this client holds the session; it is restored after a reconnect. */
  void holdSession(String connectionId, String sessionId) {
    sessions.put(connectionId, sessionId);
  }

  /** On the loop: the session is no longer this client's (removed by the caller, or by the server). */
  void forgetSession(String connectionId, String sessionId, boolean serverRemovedOne) {
    String ours = sessions.get(connectionId);
    if (ours != null && (sessionId == null || sessionId.equals(ours) || serverRemovedOne)) {
      sessions.remove(connectionId);
    }
  }

  // ================================================================ submitting and sending calls

  /** On the loop: the call enters the client. */
  void submit(Pending<?> p) {
    if (state == State.CLOSED) {
      p.fail(closedException());
      return;
    }
    if (state != State.CONNECTED && !settings.waitWhileDisconnected()) {
      p.fail(new MprTransportException("not connected to " + settings.uri() + "; the call was not sent"
          + (lastCause == null ? "" : " (last failure: " + lastCause + ")"), lastCause));
      return;
    }
    if (state == State.CONNECTED && calls.hasFreeSlot() && !calls.hasWaiting()) {
      calls.track(p);
      send(p);
    } else {
      calls.enqueue(p, state == State.CONNECTED ? " for a free in-flight slot" : " for the connection to " + settings.uri());
    }
  }

  private void send(Pending<?> p) {
    ByteBuf buf = channel.alloc().buffer(256);
    long id = calls.nextId();
    sink.buf = buf;
    try {
      requests.write(id, p.method, p.params);
    } catch (IOException | RuntimeException e) {
      buf.release();
      calls.fail(p, new MprTransportException(p.method + " could not be written: " + e.getMessage(), e));
      return;
    } finally {
      sink.buf = null;
    }
    calls.sent(p, id);
    channel.write(new TextWebSocketFrame(buf), channel.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(flushTask);
    }
  }

  private void flush() {
    flushScheduled = false;
    if (channel != null) {
      channel.flush();
    }
  }

  /** Sends what may be sent now: restore requests while restoring, user calls once connected. */
  private void pump() {
    if (state != State.RESTORING && state != State.CONNECTED) {
      return;
    }
    while (calls.hasFreeSlot()) {
      Pending<?> p = state == State.RESTORING ? restoring.poll() : calls.nextWaiting();
      if (p == null) {
        return;
      }
      if (!p.done) {
        send(p);
      }
    }
  }

  private void sweep() {
    if (calls.expire(System.nanoTime(), settings.requestTimeout(), state == State.CONNECTED)) {
      pump();
    }
  }

  // ================================================================ the connection

  private void begin() {
    long period = Math.max(5, Math.min(100, settings.requestTimeout().toMillis() / 10));
    sweeper = loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    connect();
  }

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CONNECTING;
    URI uri = settings.uri();
    boolean tls = ssl != null;
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri)
        .version(WebSocketVersion.V13)
        .customHeaders(upgradeHeaders)
        .maxFramePayloadLength(settings.maxFrameBytes())
        .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
        .handleCloseFrames(true)
        .dropPongFrames(true)
        .generateOriginHeader(false)
        .build();
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls) {
              ch.pipeline().addLast("tls", verifyingHostName(ssl.newHandler(ch.alloc(), uri.getHost(), port)));
            }
            if (!settings.pingInterval().isZero()) {
              ch.pipeline().addLast("idle", new IdleStateHandler(settings.pingInterval().toNanos(), 0, 0,
                  TimeUnit.NANOSECONDS));
            }
            ch.pipeline().addLast("http", new HttpClientCodec());
            ch.pipeline().addLast("upgrade-aggregator", new HttpObjectAggregator(64 * 1024));
            ch.pipeline().addLast("websocket", new WebSocketClientProtocolHandler(ws));
            ch.pipeline().addLast("fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
            ch.pipeline().addLast("mpr", new Handler());
          }
        });
    ChannelFuture cf = b.connect(uri.getHost(), port);
    Channel ch = cf.channel();
    channel = ch;
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        lost(ch, f.cause());
      }
    });
  }

  /** The handler with the server's certificate checked against the host it was reached by. */
  private static SslHandler verifyingHostName(SslHandler handler) {
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return handler;
  }

  /** The channel's pipeline end: answers, notifications, the handshake and the loss of the socket. */
  private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private Throwable cause;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        handshakeComplete(ctx.channel());
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        cause = new MprTransportException("the WebSocket handshake with " + settings.uri() + " took longer than "
            + settings.connectTimeout());
        ctx.close();
      } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE
          && ctx.channel() == channel && (state == State.RESTORING || state == State.CONNECTED)) {
        if (idle.isFirst()) {
          ctx.writeAndFlush(new PingWebSocketFrame());
        } else {
          cause = new MprTransportException("the server of " + settings.uri() + " sent nothing, not even a pong, for "
              + settings.pingInterval().multipliedBy(2));
          ctx.close();
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame) {
        received(frame.content());
      } else if (frame instanceof CloseWebSocketFrame close) {
        cause = new MprTransportException("the server closed the socket: " + close.statusCode() + " " + close.reasonText());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
      if (cause == null) {
        cause = t;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      lost(ctx.channel(), cause != null ? cause : new MprTransportException("the connection to " + settings.uri() + " was closed"));
      super.channelInactive(ctx);
    }
  }

  private void handshakeComplete(Channel ch) {
    if (ch != channel || state == State.CLOSED) {
      return;
    }
    state = State.RESTORING;
    restoreOutstanding = 0;
    restoreRequest(ch, RpcMethod.RPC_ON.wireName(), MESSAGES_RECEIVED, r -> {
      if (!"ok".equals(r.path(RpcMethod.MESSAGES_RECEIVED).textValue())) {
        throw new IllegalArgumentException("rpc.on was answered " + r);
      }
      return null;
    });
    for (Map.Entry<String, String> s : sessions.entrySet()) {
      restoreRequest(ch, RpcMethod.ADD_LIVE_SESSION.wireName(), liveSession(s.getKey(), s.getValue()), r -> null);
    }
    pump();
  }

  private static JsonRpcRequests.Params liveSession(String connectionId, String sessionId) {
    return JsonRpcRequests.addLiveSession(new io.github.mpr4j.protocol.AddLiveSessionOptions(connectionId, sessionId));
  }

  private void restoreRequest(Channel ch, String method, JsonRpcRequests.Params params, Pending.Decoder<Void> decoder) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    // completed on the loop: the listener below reads the connection's state
    Pending<Void> p = new Pending<>(this, method, params, decoder, f, System.nanoTime() + timeoutNanos, true);
    restoreOutstanding++;
    f.whenComplete((v, error) -> {
      // completed on the loop
      if (ch != channel || state != State.RESTORING) {
        return;
      }
      if (error != null) {
        Handler h = ch.pipeline().get(Handler.class);
        if (h != null && h.cause == null) {
          h.cause = new MprTransportException("restoring the subscription and live sessions failed: " + error, error);
        }
        ch.close();
      } else if (--restoreOutstanding == 0) {
        restored();
      }
    });
    calls.track(p);
    restoring.add(p);
  }

  private void restored() {
    state = State.CONNECTED;
    connected = true;
    attempts = 0;
    lastCause = null;
    LOG.log(System.Logger.Level.DEBUG, "connected to {0}, {1} live sessions restored", settings.uri(), sessions.size());
    events.stateChanged(ConnectionStateListener::connected);
    for (CompletableFuture<Void> f : connectWaiters) {
      completions.complete(f, null, null);
    }
    connectWaiters.clear();
    pump();
  }

  /** On the loop: the channel closed, or could not be opened. */
  private void lost(Channel ch, Throwable cause) {
    if (ch != channel) {
      return;
    }
    channel = null;
    connected = false;
    lastCause = cause;
    failInFlight(cause);
    failRestoring(cause);
    if (state == State.CLOSED) {
      return;
    }
    if (!settings.waitWhileDisconnected()) {
      calls.failWaiting(new MprTransportException("not connected to " + settings.uri() + "; the call was not sent", cause));
    }
    LOG.log(System.Logger.Level.DEBUG, "lost the connection to {0}: {1}", settings.uri(), cause);
    events.stateChanged(l -> l.disconnected(cause));
    if (attempts >= settings.maxReconnectAttempts()) {
      closed.set(true);
      closeOnLoop(new MprTransportException("gave up connecting to " + settings.uri() + " after "
          + attempts + " reconnect attempts", cause));
      return;
    }
    attempts++;
    Duration delay = backoff(attempts);
    state = State.WAITING_TO_RECONNECT;
    int attempt = attempts;
    events.stateChanged(l -> l.reconnecting(attempt, delay));
    loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private Duration backoff(int attempt) {
    long initial = settings.reconnectInitialDelay().toNanos();
    long max = settings.reconnectMaxDelay().toNanos();
    long d = initial;
    for (int i = 1; i < attempt && d < max; i++) {
      d = d > max / 2 ? max : d * 2;
    }
    d = Math.min(d, max);
    double jitter = settings.reconnectJitter();
    if (jitter > 0) {
      d = (long) (d * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
    }
    return Duration.ofNanos(Math.max(d, 1));
  }

  private void failInFlight(Throwable cause) {
    calls.failInFlight(new MprTransportException("the connection to " + settings.uri()
        + " was lost before the answer came; whether the call took effect is unknown", cause));
  }

  private void failRestoring(Throwable cause) {
    for (Pending<?> p : restoring) {
      calls.fail(p, cause);
    }
    restoring.clear();
  }

  private void closeOnLoop(MprTransportException cause) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    connected = false;
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    Channel ch = channel;
    channel = null;
    failInFlight(cause);
    calls.failWaiting(cause);
    failRestoring(cause);
    calls.failAll(cause);
    for (CompletableFuture<Void> f : connectWaiters) {
      completions.complete(f, null, cause);
    }
    connectWaiters.clear();
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(f -> ch.close());
    } else if (ch != null) {
      ch.close();
    }
    events.stateChanged(ConnectionStateListener::closed);
    events.closed();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  // ================================================================ receiving

  private void received(ByteBuf content) {
    JsonNode frame;
    try (InputStream in = new ByteBufInputStream(content)) {
      frame = MAPPER.readTree(in);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ignored a frame from {0} that is not JSON: {1}", settings.uri(), e.getMessage());
      return;
    }
    if (frame == null || !frame.isObject()) {
      // the client sends no batches, so an array is unexpected
      LOG.log(System.Logger.Level.WARNING, "ignored an unexpected frame from {0}", settings.uri());
      return;
    }
    JsonNode method = frame.get("method");
    if (method != null) {
      if (RpcMethod.MESSAGES_RECEIVED.equals(method.textValue())) {
        messagesReceived(frame.get("params"));
      }
      return;
    }
    JsonNode id = frame.get("id");
    if (id == null || !id.canConvertToLong()) {
      JsonNode error = frame.get("error");
      LOG.log(System.Logger.Level.WARNING, "the server of {0} answered a request it could not read: {1}",
          settings.uri(), error);
      return;
    }
    Pending<?> p = calls.answered(id.longValue());
    if (p == null) {
      return; // answered after its timeout
    }
    JsonNode error = frame.get("error");
    if (error != null && !error.isNull()) {
      p.fail(rpcError(error));
    } else {
      JsonNode result = frame.get("result");
      if (result == null) {
        p.fail(new MprTransportException(p.method + " was answered without result or error"));
      } else {
        p.complete(result);
      }
    }
    pump();
  }

  @SuppressWarnings("unchecked")
  private static MprException rpcError(JsonNode error) {
    int code = error.path("code").asInt(0);
    String message = error.path("message").asText("");
    JsonNode data = error.get("data");
    Map<String, Object> map = null;
    if (data != null && data.isObject()) {
      map = MAPPER.convertValue(data, Map.class);
    } else if (data != null && !data.isNull()) {
      map = Map.of("data", MAPPER.convertValue(data, Object.class));
    }
    if (map != null) {
      map.values().removeIf(v -> v == null);
    }
    return new MprRpcException(code, message, map);
  }

  private void messagesReceived(JsonNode params) {
    String connectionId;
    List<QueuedMessage> messages;
    try {
      JsonNode cid = params == null ? null : params.get("connectionId");
      if (cid == null || !cid.isTextual()) {
        throw new IllegalArgumentException("no connectionId");
      }
      connectionId = cid.textValue();
      messages = List.copyOf(JsonRpcCodec.queuedMessages(params.get("messages")));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ignored a malformed messagesReceived from {0}: {1}", settings.uri(), e.getMessage());
      return;
    }
    if (!messages.isEmpty()) {
      events.messagesReceived(connectionId, messages);
    }
  }

  // ================================================================ helpers

  /** A stream into the buffer of the request being written. */
  private static final class ByteBufSink extends OutputStream {
    ByteBuf buf;

    @Override
    public void write(int b) {
      buf.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buf.writeBytes(b, off, len);
    }
  }

  /** Runs a task on the loop (at once when on it); false when the loop is gone (the client is closed). */
  boolean execute(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Runs a task on the loop, or fails the future when the loop is gone. */
  void onLoop(CompletableFuture<?> f, Runnable task) {
    if (!execute(task)) {
      f.completeExceptionally(closedException());
    }
  }
}
