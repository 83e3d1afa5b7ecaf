package io.github.mpr4j.server.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser socket of the callback gateway, after the handshake: registers or resumes its clientId,
 * takes the live session of the client's queue, sends the backlog (unacknowledged and pending
 * notifications, oldest first) and then the live ones, and removes what the browser acks.
 *
 * <p>Ordering: live deliveries that arrive while the backlog is being sent are held back and sent after
 * it, skipping any the backlog already carried, so the browser sees queue order. Writes happen under one
 * lock, so frames leave in the order they were decided. Acked ids gather for {@value #ACK_LINGER_MILLIS} ms
 * (or up to {@value #MAX_ACK_IDS}) and are removed by one store call; the session ends only after them. Store calls complete on the queue's workers; the
 * event loop only decodes frames and writes.
 */
final class CallbackSocketHandler extends ChannelInboundHandlerAdapter implements MessagesReceivedListener {
  private static final Logger log = LoggerFactory.getLogger(CallbackSocketHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Messages per take while sending the backlog. */
  private static final int BACKLOG_BATCH = 200;
  /** Ids one ack frame may carry. */
  static final int MAX_ACK_IDS = 1000;
  /**
   * How long acked ids gather before one removal carries them all: a browser acks each notification, and
   * a removal per ack costs a store call (on Redis a wake-up of a pipeline thread and a script call).
   */
  static final long ACK_LINGER_MILLIS = 5;
  /** Close code when a newer socket took over the same clientId: client.js does not reconnect then. */
  static final int CLOSE_REPLACED = 4001;
  /** Close code when the source address made too many registrations. */
  static final int CLOSE_TOO_MANY_REGISTRATIONS = 4029;

  private final GatewayCore gateway;
  private final WebSocketServerHandshaker handshaker;
  private final String requestedClientId;
  private final String host;
  private final String sourceAddress;
  /** The user the backend named for the socket's token, or null. */
  private final String userId;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object lock = new Object();

  private volatile Channel channel;
  private volatile String clientId;
  private volatile MessagePickupRepository holder;
  private volatile String sessionId;
  /** The removals of the acks received so far; the session ends only after them. */
  private volatile CompletableFuture<Void> acks = CompletableFuture.completedFuture(null);
  /** Acked ids not yet handed to a removal (guarded by itself), and whether a flush is scheduled. */
  private final List<String> ackedIds = new ArrayList<>();
  private boolean ackFlushScheduled;
  /** While the backlog is sent: live deliveries held back, and ids already sent; both null afterwards. */
  private List<QueuedMessage> heldBack = new ArrayList<>();
  private Set<String> sentInBacklog = new HashSet<>();

  CallbackSocketHandler(GatewayCore gateway, WebSocketServerHandshaker handshaker, String requestedClientId,
      String host, String sourceAddress, String userId) {
    this.gateway = gateway;
    this.userId = userId;
    this.handshaker = handshaker;
    this.requestedClientId = requestedClientId;
    this.host = host;
    this.sourceAddress = sourceAddress;
  }

  /** Called once the handshake response is written. */
  void start(Channel ch) {
    this.channel = ch;
    gateway.track(ch);
    CompletableFuture<String> id;
    if (requestedClientId != null) {
      id = gateway.resume(requestedClientId, userId).thenCompose(known -> known
          ? CompletableFuture.completedFuture(requestedClientId)
          : registerIfAllowed());
    } else {
      id = gateway.register(userId); // the endpoint counted this registration before the handshake
    }
    id.thenAccept(this::begin).exceptionally(e -> {
      log.debug("callback socket {} could not register: {}", ch, e.toString());
      closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "registration failed");
      return null;
    });
  }

  private CompletableFuture<String> registerIfAllowed() {
    if (!gateway.mayRegister(sourceAddress)) {
      closeWith(CLOSE_TOO_MANY_REGISTRATIONS, "too many registrations");
      return new CompletableFuture<>(); // never completes: the socket is closing
    }
    return gateway.register(userId);
  }

  private void begin(String id) {
    clientId = id;
    gateway.socketOpened(id);
    MessagePickupRepository h = gateway.openHolder();
    h.addMessagesReceivedListener(this);
    sessionId = UUID.randomUUID().toString(); // before holder: cleanUp reads both
    holder = h;
    if (!channel.isActive()) {
      cleanUp();
      return;
    }
    String connectionId = GatewayCore.connectionId(id);
    // told only once its session is live: a backend may POST the moment the browser knows its clientId, and
    // that notification must be delivered live, not left pending for the backlog
    h.addLiveSession(new AddLiveSessionOptions(connectionId, sessionId))
        .thenCompose(v -> {
          write(GatewayCore.registeredFrame(id, gateway.callbackUrl(id, host)));
          return sendBacklog(h, connectionId, 0);
        })
        .whenComplete((v, e) -> {
          if (e != null) {
            log.debug("callback socket {}: backlog failed: {}", channel, e.toString());
            closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "backlog failed");
            return;
          }
          finishBacklog();
        });
  }

  /** Takes and sends pending notifications until none is left (each take marks its batch sending). */
  private CompletableFuture<Void> sendBacklog(MessagePickupRepository h, String connectionId, int rounds) {
    int maxRounds = gateway.config().maxPending() / BACKLOG_BATCH + 2;
    return h.takeFromQueue(new TakeFromQueueOptions(connectionId, null, BACKLOG_BATCH, null, false))
        .thenCompose(batch -> {
          long now = gateway.nowMillis();
          List<String> expired = new ArrayList<>();
          synchronized (lock) {
            for (QueuedMessage m : batch) {
              if (gateway.expired(m, now)) {
                expired.add(m.id());
              } else {
                sentInBacklog.add(m.id());
                write(GatewayCore.notificationFrame(m));
              }
            }
          }
          CompletableFuture<Void> removal = expired.isEmpty() ? CompletableFuture.completedFuture(null)
              : h.removeMessages(new RemoveMessagesOptions(connectionId, expired));
          if (batch.size() < BACKLOG_BATCH || rounds + 1 >= maxRounds || !channel.isActive()) {
            return removal;
          }
          return removal.thenCompose(v -> sendBacklog(h, connectionId, rounds + 1));
        });
  }

  private void finishBacklog() {
    synchronized (lock) {
      long now = gateway.nowMillis();
      for (QueuedMessage m : heldBack) {
        if (!sentInBacklog.contains(m.id()) && !gateway.expired(m, now)) {
          write(GatewayCore.notificationFrame(m));
        }
      }
      heldBack = null;
      sentInBacklog = null;
    }
  }

  @Override
  public void messagesReceived(String connectionId, List<QueuedMessage> messages) {
    synchronized (lock) {
      if (heldBack != null) {
        heldBack.addAll(messages);
        return;
      }
      for (QueuedMessage m : messages) {
        write(GatewayCore.notificationFrame(m));
      }
    }
  }

  @Override
  public void liveSessionReplaced(String connectionId, String sessionId) {
    closeWith(CLOSE_REPLACED, "replaced by a newer connection");
  }

  /**
   * Writes a frame after every frame written before it. Always through the event loop's task queue, even
   * on the event loop itself: a write made there directly would overtake frames that other threads queued
   * earlier (with the in-memory store, deliveries run on whichever event loop added the message).
   */
  private void write(String text) {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      // encoded in one pass into a pooled buffer (new TextWebSocketFrame(String) counts the UTF-8 bytes
      // first, then copies into an unpooled one)
      ch.eventLoop().execute(() -> ch.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), text)),
          ch.voidPromise()));
    }
  }

  private void closeWith(int code, String reason) {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      ch.eventLoop().execute(() ->
          ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof TextWebSocketFrame text) {
        onText(text.text());
      } else if (msg instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame close) {
        handshaker.close(ctx.channel(), close.retain());
      } else if (msg instanceof BinaryWebSocketFrame) {
        closeWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(), "text frames only");
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onText(String text) {
    String id = clientId;
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (Exception e) {
      write("{\"type\":\"error\",\"message\":\"not JSON\"}");
      return;
    }
    if (frame != null && "webpush".equals(frame.path("type").asText())) {
      onWebPush(id, frame.get("subscription"));
      return;
    }
    if (frame == null || !"ack".equals(frame.path("type").asText()) || !frame.path("ids").isArray()) {
      write("{\"type\":\"error\",\"message\":\"expected {\\\"type\\\":\\\"ack\\\",\\\"ids\\\":[...]}\"}");
      return;
    }
    if (id == null) {
      write("{\"type\":\"error\",\"message\":\"not registered yet\"}");
      return;
    }
    int added = 0;
    boolean flushNow;
    boolean schedule = false;
    synchronized (ackedIds) {
      for (JsonNode n : frame.path("ids")) {
        if (n.isTextual() && added < MAX_ACK_IDS) {
          ackedIds.add(n.asText());
          added++;
        }
      }
      flushNow = ackedIds.size() >= MAX_ACK_IDS;
      if (!flushNow && !ackFlushScheduled && !ackedIds.isEmpty()) {
        ackFlushScheduled = true;
        schedule = true;
      }
    }
    if (schedule) {
      try {
        channel.eventLoop().schedule(this::flushAcks, ACK_LINGER_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        flushNow = true; // the event loop is shutting down
      }
    }
    if (flushNow) {
      flushAcks();
    }
  }

  /** {@code {"type":"webpush","subscription":{...}}} subscribes, {@code "subscription":null} unsubscribes. */
  private void onWebPush(String id, JsonNode subscription) {
    if (!gateway.webPushEnabled()) {
      write("{\"type\":\"error\",\"message\":\"Web Push is off on this gateway\"}");
      return;
    }
    if (id == null) {
      write("{\"type\":\"error\",\"message\":\"not registered yet\"}");
      return;
    }
    String json = null;
    if (subscription != null && !subscription.isNull()) {
      try {
        json = gateway.subscriptionJson(subscription);
      } catch (IllegalArgumentException e) {
        write("{\"type\":\"error\",\"message\":" + quote("not a Web Push subscription: " + e.getMessage()) + "}");
        return;
      }
    }
    boolean subscribing = json != null;
    gateway.setSubscription(id, json).whenComplete((ok, e) -> {
      if (e != null || !ok) {
        write("{\"type\":\"error\",\"message\":\"the subscription could not be stored\"}");
      } else {
        write("{\"type\":\"webpush\",\"subscribed\":" + subscribing + "}");
      }
    });
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (Exception e) {
      return "\"\"";
    }
  }

  /** Hands the acked ids gathered so far to one removal. */
  private void flushAcks() {
    List<String> ids;
    synchronized (ackedIds) {
      ackFlushScheduled = false;
      if (ackedIds.isEmpty()) {
        return;
      }
      ids = List.copyOf(ackedIds);
      ackedIds.clear();
    }
    String id = clientId;
    CompletableFuture<Void> removal = gateway.ack(id, ids).exceptionally(e -> {
      log.debug("ack of {} notifications failed: {}", ids.size(), e.toString());
      return null;
    });
    acks = CompletableFuture.allOf(acks, removal);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cleanUp();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing callback socket {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  /**
   * Once: after the acks received so far are applied, ends this socket's live session (its
   * unacknowledged notifications become pending again), then closes the holder. Only then does the
   * socket count as closed, so "pending" answers follow a browser's departure in a known order.
   */
  private void cleanUp() {
    MessagePickupRepository h = holder;
    if (h == null || !closed.compareAndSet(false, true)) {
      return;
    }
    String id = clientId;
    String session = sessionId;
    flushAcks(); // the acks still gathering go first
    acks.handle((v, e) -> null)
        .thenCompose(v -> h.removeLiveSession(new RemoveLiveSessionOptions(GatewayCore.connectionId(id), session))
            .handle((removed, e) -> null))
        .whenComplete((v, e) -> {
          h.close();
          gateway.socketClosed(id);
        });
  }
}
