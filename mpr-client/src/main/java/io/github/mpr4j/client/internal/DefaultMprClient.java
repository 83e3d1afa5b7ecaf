package io.github.mpr4j.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.client.ConnectionInfo;
import io.github.mpr4j.client.ConnectionStateListener;
import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.client.MprQueueFullException;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.MprException;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The client: one WebSocket on one Netty event loop of its own. Every piece of mutable state below the
 * "event loop only" line is read and written on that loop alone, so it needs no locks; public methods hand
 * their call to the loop.
 */
public final class DefaultMprClient implements MprClient {
  private static final System.Logger LOG = System.getLogger(DefaultMprClient.class.getName());
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final ObjectMapper MAPPER = JsonRpcCodec.mapper();

  private enum State { CONNECTING, RESTORING, CONNECTED, WAITING_TO_RECONNECT, CLOSED }

  private final ClientSettings settings;
  private final long timeoutNanos;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final ExecutorService ownCallbackThread;
  private final Executor callbacks;
  private final SslContext ssl;
  private final HttpHeaders upgradeHeaders;
  private final CopyOnWriteArrayList<MessagesReceivedListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean connected;

  // ---------------------------------------------------------------- event loop only
  private State state = State.CONNECTING;
  private Channel channel;
  private Throwable lastCause;
  private int attempts;
  private long nextId;
  private int inFlightCount;
  private final LongObjectHashMap<Pending<?>> inFlight = new LongObjectHashMap<>();
  /** User calls waiting for the connection or for a free in-flight slot, in order. */
  private final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
  /** The calls in {@link #waiting} that are not done yet (timed-out ones stay in the deque until polled). */
  private int waitingCount;
  /** The re-subscription and live-session requests of a connection being restored. */
  private final ArrayDeque<Pending<?>> restoring = new ArrayDeque<>();
  private int restoreOutstanding;
  /** Every outstanding call (waiting, restoring or in flight), oldest first: the timeout sweep's order. */
  private Pending<?> head;
  private Pending<?> tail;
  /** The live sessions this client holds: connectionId to sessionId, restored after a reconnect. */
  private final Map<String, String> sessions = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private boolean flushScheduled;
  private ScheduledFuture<?> sweeper;
  private final Runnable flushTask = this::flush;

  private DefaultMprClient(ClientSettings settings) {
    this.settings = settings;
    this.timeoutNanos = settings.requestTimeout().toNanos();
    int n = CLIENTS.incrementAndGet();
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mpr-client-" + n + "-io", true),
        NioIoHandler.newFactory());
    this.loop = group.next();
    if (settings.callbackExecutor() == null) {
      ownCallbackThread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("mpr-client-" + n + "-callbacks", true));
      callbacks = ownCallbackThread;
    } else {
      ownCallbackThread = null;
      callbacks = new SerialExecutor(settings.callbackExecutor());
    }
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
  }

  /** Starts a client with checked settings; it connects in the background. */
  public static DefaultMprClient start(ClientSettings settings) {
    DefaultMprClient c = new DefaultMprClient(settings);
    c.loop.execute(c::begin);
    return c;
  }

  // ================================================================ public API

  @Override
  public URI uri() {
    return settings.uri();
  }

  @Override
  public boolean isConnected() {
    return connected && !closed.get();
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (closed.get()) {
      f.completeExceptionally(closedException());
      return f;
    }
    onLoop(f, () -> {
      if (state == State.CONNECTED) {
        f.complete(null);
      } else if (state == State.CLOSED) {
        f.completeExceptionally(closedException());
      } else {
        connectWaiters.add(f);
      }
    });
    return f;
  }

  @Override
  public CompletableFuture<Void> ping() {
    return call(RpcMethod.PING.wireName(), null, r -> {
      if (!"pong".equals(r.textValue())) {
        throw new IllegalArgumentException("ping was answered " + r);
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<String> addMessage(AddMessageOptions options) {
    if (options == null) {
      return missing("addMessage");
    }
    return withConnectionInfo(options.connectionId(), info -> {
      AddMessageOptions o = options;
      if (o.pushNotificationToken() == null && info != null && info.pushNotificationToken() != null) {
        o = o.withPushNotificationToken(info.pushNotificationToken());
      }
      AddMessageOptions p = o;
      return call(RpcMethod.ADD_MESSAGE.wireName(), g -> {
        g.startObject().field("connectionId", p.connectionId());
        g.field("recipientDids").startArray();
        for (String did : p.recipientDids()) {
          g.value(did);
        }
        g.endArray();
        g.field("payload").raw(p.payload().json());
        PushNotificationToken t = p.pushNotificationToken();
        if (t != null) {
          g.field("pushNotificationToken").startObject().field("type", t.type());
          if (t.token() != null) {
            g.field("token", t.token());
          }
          g.endObject();
        }
        g.endObject();
      }, DefaultMprClient::messageId);
    });
  }

  private static String messageId(JsonNode result) {
    JsonNode id = result.get("messageId");
    if (id == null || !id.isTextual()) {
      throw new IllegalArgumentException("addMessage was answered without a messageId: " + result);
    }
    return id.textValue();
  }

  @Override
  public CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions options) {
    if (options == null) {
      return missing("takeFromQueue");
    }
    return withConnectionInfo(options.connectionId(), info -> {
      Integer limitBytes = options.limitBytes();
      if (limitBytes == null && info != null) {
        limitBytes = info.maxReceiveBytes();
      }
      Integer bytes = limitBytes;
      return call(RpcMethod.TAKE_FROM_QUEUE.wireName(), g -> {
        g.startObject().field("connectionId", options.connectionId());
        if (options.recipientDid() != null) {
          g.field("recipientDid", options.recipientDid());
        }
        if (options.limit() != null) {
          g.field("limit").value(options.limit());
        }
        if (bytes != null) {
          g.field("limitBytes").value(bytes);
        }
        g.field("deleteMessages").value(options.deleteMessages());
        g.endObject();
      }, JsonRpcCodec::queuedMessages);
    });
  }

  @Override
  public CompletableFuture<Void> removeMessages(RemoveMessagesOptions options) {
    if (options == null) {
      return missing("removeMessages");
    }
    return call(RpcMethod.REMOVE_MESSAGES.wireName(), g -> {
      g.startObject().field("connectionId", options.connectionId());
      g.field("messageIds").startArray();
      for (String id : options.messageIds()) {
        g.value(id);
      }
      g.endArray().endObject();
    }, DefaultMprClient::nothing);
  }

  @Override
  public CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions options) {
    if (options == null) {
      return missing("removeAllMessages");
    }
    return call(RpcMethod.REMOVE_ALL_MESSAGES.wireName(), g -> {
      g.startObject().field("connectionId", options.connectionId()).field("recipientDid", options.recipientDid())
          .endObject();
    }, DefaultMprClient::nothing);
  }

  @Override
  public CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions options) {
    if (options == null) {
      return missing("getAvailableMessageCount");
    }
    return call(RpcMethod.GET_AVAILABLE_MESSAGE_COUNT.wireName(), g -> {
      g.startObject().field("connectionId", options.connectionId());
      if (options.recipientDid() != null) {
        g.field("recipientDid", options.recipientDid());
      }
      g.endObject();
    }, r -> {
      if (!r.isIntegralNumber() || !r.canConvertToInt()) {
        throw new IllegalArgumentException("expected a count, got " + r);
      }
      return r.intValue();
    });
  }

  @Override
  public CompletableFuture<Void> addLiveSession(AddLiveSessionOptions options) {
    if (options == null) {
      return missing("addLiveSession");
    }
    return call(RpcMethod.ADD_LIVE_SESSION.wireName(), liveSessionParams(options.connectionId(), options.sessionId()),
        r -> {
          // on the event loop: from now on this client holds the session and restores it after a reconnect
          sessions.put(options.connectionId(), options.sessionId());
          return null;
        });
  }

  @Override
  public CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions options) {
    if (options == null) {
      return missing("removeLiveSession");
    }
    String cid = options.connectionId();
    String sid = options.sessionId();
    // the intent is known now: a session removed by the caller is never restored, even if this call fails
    execute(() -> forgetSession(cid, sid, false));
    return call(RpcMethod.REMOVE_LIVE_SESSION.wireName(), liveSessionParams(cid, sid), r -> {
      if (!r.isBoolean()) {
        throw new IllegalArgumentException("expected a boolean, got " + r);
      }
      forgetSession(cid, sid, r.booleanValue());
      return r.booleanValue();
    });
  }

  private void forgetSession(String connectionId, String sessionId, boolean serverRemovedOne) {
    String ours = sessions.get(connectionId);
    if (ours != null && (sessionId == null || sessionId.equals(ours) || serverRemovedOne)) {
      sessions.remove(connectionId);
    }
  }

  private static Pending.Params liveSessionParams(String connectionId, String sessionId) {
    return g -> {
      g.startObject().field("connectionId", connectionId);
      if (sessionId != null) {
        g.field("sessionId", sessionId);
      }
      g.endObject();
    };
  }

  @Override
  public CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions options) {
    if (options == null) {
      return missing("getLiveSession");
    }
    return call(RpcMethod.GET_LIVE_SESSION.wireName(), g -> {
      g.startObject().field("connectionId", options.connectionId()).endObject();
    }, r -> {
      if (!r.isBoolean()) {
        throw new IllegalArgumentException("expected a boolean, got " + r);
      }
      return r.booleanValue();
    });
  }

  @Override
  public Registration addMessagesReceivedListener(MessagesReceivedListener listener) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    // a wrapper per registration, so that adding the same listener twice gives two registrations
    MessagesReceivedListener entry = listener::messagesReceived;
    listeners.add(entry);
    return () -> listeners.remove(entry);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        loop.execute(() -> closeOnLoop(closedException()));
      } catch (RejectedExecutionException e) {
        // the loop is already gone
      }
    }
  }

  @Override
  public String toString() {
    return "MprClient[" + settings.uri() + (connected ? ", connected" : closed.get() ? ", closed" : ", not connected") + "]";
  }

  // ================================================================ submitting calls

  private <T> CompletableFuture<T> call(String method, Pending.Params params, Pending.Decoder<T> decoder) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (closed.get()) {
      future.completeExceptionally(closedException());
      return future;
    }
    Pending<T> p = new Pending<>(this, method, params, decoder, future, System.nanoTime() + timeoutNanos);
    if (loop.inEventLoop()) {
      submit(p);
    } else {
      try {
        loop.execute(p);
      } catch (RejectedExecutionException e) {
        future.completeExceptionally(closedException());
      }
    }
    return future;
  }

  private <T> CompletableFuture<T> withConnectionInfo(String connectionId,
      Function<ConnectionInfo, CompletableFuture<T>> call) {
    if (settings.connectionInfoProvider() == null) {
      return call.apply(null);
    }
    CompletionStage<ConnectionInfo> info;
    try {
      info = settings.connectionInfoProvider().connectionInfo(connectionId);
      if (info == null) {
        return call.apply(null);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(providerFailed(connectionId, e));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    info.whenComplete((i, error) -> {
      if (error != null) {
        result.completeExceptionally(providerFailed(connectionId, error));
      } else {
        call.apply(i).whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
      }
    });
    return result;
  }

  private static MprTransportException providerFailed(String connectionId, Throwable e) {
    return new MprTransportException("the connection info provider failed for connectionId " + connectionId
        + "; the call was not sent", e);
  }

  private static <T> CompletableFuture<T> missing(String method) {
    return CompletableFuture.failedFuture(MprRpcException.invalidParams("the options of " + method + " are required"));
  }

  private static Void nothing(JsonNode result) {
    return null;
  }

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
    if (state == State.CONNECTED && inFlightCount < settings.maxInFlight() && waitingCount == 0) {
      link(p);
      send(p);
    } else if (waitingCount >= settings.maxWaitingCalls()) {
      p.fail(new MprQueueFullException(p.method + " was refused: " + waitingCount + " calls already wait to be sent"
          + (state == State.CONNECTED ? " for a free in-flight slot" : " for the connection to " + settings.uri())
          + " (maxWaitingCalls " + settings.maxWaitingCalls() + "); the call was not sent",
          settings.maxWaitingCalls()));
    } else {
      link(p);
      p.waiting = true;
      waitingCount++;
      waiting.add(p);
    }
  }

  private void send(Pending<?> p) {
    ByteBuf buf = channel.alloc().buffer(256);
    long id = ++nextId;
    try {
      JsonOut g = new JsonOut(buf);
      g.startObject().field("jsonrpc", "2.0").field("method", p.method);
      if (p.params != null) {
        g.field("params");
        p.params.write(g);
      }
      g.field("id").value(id).endObject();
    } catch (RuntimeException e) {
      buf.release();
      unlink(p);
      p.fail(new MprTransportException(p.method + " could not be written: " + e.getMessage(), e));
      return;
    }
    p.id = id;
    inFlight.put(id, p);
    inFlightCount++;
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
    ArrayDeque<Pending<?>> queue;
    if (state == State.RESTORING) {
      queue = restoring;
    } else if (state == State.CONNECTED) {
      queue = waiting;
    } else {
      return;
    }
    while (inFlightCount < settings.maxInFlight()) {
      Pending<?> p = queue.poll();
      if (p == null) {
        return;
      }
      leftWaiting(p);
      if (!p.done) {
        send(p);
      }
    }
  }

  // ---------------------------------------------------------------- the list of outstanding calls

  /** A call leaves the waiting queue: sent, timed out or dropped. */
  private void leftWaiting(Pending<?> p) {
    if (p.waiting) {
      p.waiting = false;
      waitingCount--;
    }
  }

  private void link(Pending<?> p) {
    p.linked = true;
    p.prev = tail;
    p.next = null;
    if (tail == null) {
      head = p;
    } else {
      tail.next = p;
    }
    tail = p;
  }

  private void unlink(Pending<?> p) {
    if (!p.linked) {
      return;
    }
    p.linked = false;
    if (p.prev == null) {
      head = p.next;
    } else {
      p.prev.next = p.next;
    }
    if (p.next == null) {
      tail = p.prev;
    } else {
      p.next.prev = p.prev;
    }
    p.prev = null;
    p.next = null;
  }

  /** Fails the calls whose time is up: they are the oldest, at the head of the list. */
  private void sweep() {
    long now = System.nanoTime();
    boolean freed = false;
    while (head != null && head.deadlineNanos - now <= 0) {
      Pending<?> p = head;
      unlink(p);
      leftWaiting(p);
      boolean sent = p.id != 0 && inFlight.remove(p.id) != null;
      if (sent) {
        inFlightCount--;
        freed = true;
      }
      p.fail(new MprTransportException(p.method + " got no answer within " + settings.requestTimeout()
          + (sent ? "" : state == State.CONNECTED ? " (it waited for a free in-flight slot and was never sent)"
              : " (it waited for the connection and was never sent)")));
    }
    if (freed) {
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
        received(ctx.channel(), frame.content());
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
    restoreRequest(ch, RpcMethod.RPC_ON.wireName(), g -> {
      g.startArray().value(RpcMethod.MESSAGES_RECEIVED).endArray();
    }, r -> {
      if (!"ok".equals(r.path(RpcMethod.MESSAGES_RECEIVED).textValue())) {
        throw new IllegalArgumentException("rpc.on was answered " + r);
      }
      return null;
    });
    for (Map.Entry<String, String> s : sessions.entrySet()) {
      restoreRequest(ch, RpcMethod.ADD_LIVE_SESSION.wireName(), liveSessionParams(s.getKey(), s.getValue()),
          DefaultMprClient::nothing);
    }
    pump();
  }

  private void restoreRequest(Channel ch, String method, Pending.Params params, Pending.Decoder<Void> decoder) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Pending<Void> p = new Pending<>(this, method, params, decoder, f, System.nanoTime() + timeoutNanos);
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
    link(p);
    restoring.add(p);
  }

  private void restored() {
    state = State.CONNECTED;
    connected = true;
    attempts = 0;
    lastCause = null;
    LOG.log(System.Logger.Level.DEBUG, "connected to {0}, {1} live sessions restored", settings.uri(), sessions.size());
    notifyState(ConnectionStateListener::connected);
    for (CompletableFuture<Void> f : connectWaiters) {
      f.complete(null);
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
    for (Pending<?> p : restoring) {
      unlink(p);
      if (!p.done) {
        p.fail(cause);
      }
    }
    restoring.clear();
    if (state == State.CLOSED) {
      return;
    }
    if (!settings.waitWhileDisconnected()) {
      failWaiting(new MprTransportException("not connected to " + settings.uri() + "; the call was not sent", cause));
    }
    LOG.log(System.Logger.Level.DEBUG, "lost the connection to {0}: {1}", settings.uri(), cause);
    notifyState(l -> l.disconnected(cause));
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
    notifyState(l -> l.reconnecting(attempt, delay));
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
    if (inFlight.isEmpty()) {
      return;
    }
    List<Pending<?>> sent = new ArrayList<>(inFlight.values());
    inFlight.clear();
    inFlightCount = 0;
    MprTransportException e = new MprTransportException("the connection to " + settings.uri()
        + " was lost before the answer came; whether the call took effect is unknown", cause);
    for (Pending<?> p : sent) {
      unlink(p);
      if (!p.done) {
        p.fail(e);
      }
    }
  }

  private void failWaiting(Throwable e) {
    for (Pending<?> p : waiting) {
      unlink(p);
      p.waiting = false;
      if (!p.done) {
        p.fail(e);
      }
    }
    waiting.clear();
    waitingCount = 0;
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
    failWaiting(cause);
    for (Pending<?> p : restoring) {
      if (!p.done) {
        p.fail(cause);
      }
    }
    restoring.clear();
    while (head != null) {
      Pending<?> p = head;
      unlink(p);
      if (!p.done) {
        p.fail(cause);
      }
    }
    for (CompletableFuture<Void> f : connectWaiters) {
      f.completeExceptionally(cause);
    }
    connectWaiters.clear();
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(f -> ch.close());
    } else if (ch != null) {
      ch.close();
    }
    notifyState(ConnectionStateListener::closed);
    if (ownCallbackThread != null) {
      ownCallbackThread.shutdown();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  private MprTransportException closedException() {
    return new MprTransportException("the client of " + settings.uri() + " is closed");
  }

  // ================================================================ receiving

  private void received(Channel ch, ByteBuf content) {
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
    Pending<?> p = inFlight.remove(id.longValue());
    if (p == null) {
      return; // answered after its timeout
    }
    inFlightCount--;
    unlink(p);
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
    if (messages.isEmpty()) {
      return;
    }
    runCallback(() -> {
      for (MessagesReceivedListener l : listeners) {
        try {
          l.messagesReceived(connectionId, messages);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "a messagesReceived listener failed", e);
        }
      }
    });
  }

  private void notifyState(java.util.function.Consumer<ConnectionStateListener> event) {
    ConnectionStateListener l = settings.stateListener();
    runCallback(() -> {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a connection state listener failed", e);
      }
    });
  }

  private void runCallback(Runnable task) {
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.log(System.Logger.Level.DEBUG, "a callback was dropped: the callback executor refused it");
    }
  }

  // ================================================================ helpers

  /** Runs a task on the loop (at once when on it); false when the loop is gone (the client is closed). */
  private boolean execute(Runnable task) {
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

  private void onLoop(CompletableFuture<?> f, Runnable task) {
    if (!execute(task)) {
      f.completeExceptionally(closedException());
    }
  }
}
