package io.github.mpr4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.jsonrpc.AddMessageFrame;
import io.github.mpr4j.protocol.jsonrpc.DecodedRequest;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import io.github.mpr4j.protocol.jsonrpc.RpcRequest;
import io.github.mpr4j.server.AuthToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON-RPC endpoint of one WebSocket: decodes each (aggregated) text frame as a request or a batch,
 * runs the requests through an {@link RpcDispatcher} on the socket's own repository, and writes the
 * answers and the messagesReceived notifications.
 *
 * <p>Decoding runs on the event loop; the repository's operations complete on the pickup queue's worker
 * threads, which write their answers with {@link Channel#writeAndFlush}, so the event loop never blocks.
 * The repository is opened when the handshake completes and closed when the socket closes, which ends the
 * live sessions it holds.
 */
final class JsonRpcHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcHandler.class);
  /** How long a client refused with -32002 should wait before retrying. */
  static final int RETRY_AFTER_MS = 100;

  private final Supplier<MessagePickupRepository> repositories;
  private final RpcLimits limits;
  private final WsConnections connections;
  private final Metrics metrics;
  /** Requests of this socket dispatched and not yet answered. */
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Set on the event loop at the handshake, read by the worker threads that write answers. */
  private volatile Channel channel;
  /** Set once the socket is being closed for not reading what it is sent: nothing more is written to it. */
  private final AtomicBoolean closingSlow = new AtomicBoolean();
  /** Closes the socket when it stays unwritable too long; event loop only. */
  private ScheduledFuture<?> stall;
  private MessagePickupRepository repository;
  private RpcDispatcher dispatcher;

  JsonRpcHandler(Supplier<MessagePickupRepository> repositories, RpcLimits limits, WsConnections connections,
      Metrics metrics) {
    this.repositories = Objects.requireNonNull(repositories, "repositories");
    this.limits = limits;
    this.connections = connections;
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && repository == null) {
      open(ctx.channel());
    }
    super.userEventTriggered(ctx, evt);
  }

  private void open(Channel ch) {
    channel = ch;
    Set<AuthToken.Right> rights = ch.attr(UpgradeAuthHandler.RIGHTS).get();
    try {
      repository = repositories.get();
    } catch (RuntimeException e) {
      log.warn("could not open a repository for {}: {}", ch, e.toString());
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server unavailable"))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    repository.addMessagesReceivedListener(new MessagesReceivedListener() {
      @Override
      public void messagesReceived(String connectionId, List<QueuedMessage> messages) {
        metrics.deliveredLive(messages.size());
        send(JsonRpcCodec.messagesReceivedUtf8(connectionId, messages));
      }
    });
    // no rights attribute means the upgrade was never checked: grant nothing
    dispatcher = new RpcDispatcher(repository, rights == null ? Set.of() : rights, limits, metrics);
    connections.add(ch);
    metrics.connectionOpened();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (stall != null) {
      stall.cancel(false);
      stall = null;
    }
    if (repository != null) {
      repository.close();
      metrics.connectionClosed();
      repository = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (dispatcher == null) {
        return; // no handshake yet: cannot happen behind WebSocketServerProtocolHandler
      }
      if (msg instanceof TextWebSocketFrame text) {
        ByteBuf content = text.content();
        if (content.hasArray()) {
          onText(content.array(), content.arrayOffset() + content.readerIndex(), content.readableBytes());
        } else {
          byte[] bytes = ByteBufUtil.getBytes(content);
          onText(bytes, 0, bytes.length);
        }
      } else if (msg instanceof BinaryWebSocketFrame) {
        metrics.request("invalid", RpcOutcomes.outcome(RpcErrors.PARSE_ERROR), 0);
        send(JsonRpcCodec.error(null, RpcErrors.PARSE_ERROR,
            "Parse error: binary frames are not supported, send JSON in text frames", null));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Above the high-water mark of unsent bytes the socket's requests are not read (their answers would only
   * add to what waits), until the bytes fall below the low mark; a socket that stays above it for
   * {@link RpcLimits#writeStall()} is closed.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Channel ch = ctx.channel();
    if (!ch.isWritable()) {
      ch.config().setAutoRead(false);
      if (stall == null) {
        stall = ch.eventLoop().schedule(() -> closeSlow(ch, "unsent answers over "
            + limits.writeBufferHighBytes() + " bytes for " + limits.writeStall().toMillis() + " ms"),
            limits.writeStall().toMillis(), TimeUnit.MILLISECONDS);
      }
    } else {
      if (stall != null) {
        stall.cancel(false);
        stall = null;
      }
      if (!closingSlow.get()) {
        ch.config().setAutoRead(true);
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  /**
   * Closes a socket that does not read what it is sent, with 1008 and the reason: the close frame goes
   * out after what waits before it, if the peer reads it within {@link RpcLimits#writeStall()}; then the
   * connection is closed all the same and what was not sent is dropped.
   */
  private void closeSlow(Channel ch, String reason) {
    if (!closingSlow.compareAndSet(false, true)) {
      return;
    }
    log.warn("closing {}: it does not read what it is sent ({})", ch, reason);
    metrics.slowSocketClosed();
    ch.eventLoop().execute(() -> {
      ch.config().setAutoRead(false);
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "not reading: " + reason))
          .addListener(ChannelFutureListener.CLOSE);
      ch.eventLoop().schedule(() -> ch.close(), limits.writeStall().toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /**
   * Whether a frame of {@code size} bytes may be queued: when it would take the unsent bytes past
   * {@link RpcLimits#writeBufferLimitBytes()}, the socket is closed instead (one frame alone always may).
   */
  private boolean mayQueue(Channel ch, int size) {
    if (closingSlow.get()) {
      return false;
    }
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    long pending = out == null ? 0 : out.totalPendingWriteBytes();
    if (pending > 0 && pending + size > limits.writeBufferLimitBytes()) {
      closeSlow(ch, "unsent answers over " + limits.writeBufferLimitBytes() + " bytes");
      return false;
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      log.debug("closing {}: message over {} bytes", ctx.channel(), limits.maxFrameBytes());
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                "message larger than " + limits.maxFrameBytes() + " bytes"))
            .addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    log.debug("closing {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  /** Handles one complete text message given as text. */
  void onText(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    onText(utf8, 0, utf8.length);
  }

  /**
   * Handles one complete text message, a request or a batch, from its UTF-8 bytes. The JSON parser checks
   * the encoding (Netty's separate UTF-8 pass is off), so malformed UTF-8 is answered -32700 like
   * malformed JSON and the socket stays open.
   */
  void onText(byte[] utf8, int offset, int length) {
    AddMessageFrame add = AddMessageFrame.decode(utf8, offset, length);
    if (add != null) { // the common request, decoded without a tree
      RpcRequest request = new RpcRequest(add.id(), RpcMethod.ADD_MESSAGE.wireName(), null);
      answer(run(request, () -> dispatcher.addMessage(add.options())));
      return;
    }
    JsonNode frame;
    try {
      frame = JsonRpcCodec.parseFrame(utf8, offset, length);
    } catch (MprRpcException e) {
      metrics.request("invalid", RpcOutcomes.outcome(e.code()), 0);
      send(JsonRpcCodec.error(null, e));
      return;
    }
    if (!frame.isArray()) {
      answer(process(frame));
      return;
    }
    if (frame.isEmpty() || frame.size() > limits.maxBatchRequests()) {
      metrics.request("invalid", RpcOutcomes.outcome(RpcErrors.INVALID_REQUEST), 0);
      send(frame.isEmpty()
          ? JsonRpcCodec.error(null, RpcErrors.INVALID_REQUEST, "Invalid Request: empty batch", null)
          : JsonRpcCodec.error(null, RpcErrors.INVALID_REQUEST, "Invalid Request: a batch may hold at most "
              + limits.maxBatchRequests() + " requests, not " + frame.size(), Map.of("limit", limits.maxBatchRequests())));
      return;
    }
    List<CompletableFuture<byte[]>> parts = new ArrayList<>(frame.size());
    for (JsonNode element : frame) {
      parts.add(process(element));
    }
    answer(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<byte[]> responses = new ArrayList<>(parts.size());
      for (CompletableFuture<byte[]> p : parts) {
        byte[] r = p.join();
        if (r != null) {
          responses.add(r);
        }
      }
      return responses.isEmpty() ? null : JsonRpcCodec.batchUtf8(responses);
    }));
  }

  /** Writes the answer of a frame when it is ready (nothing for notifications); shutdown waits for it. */
  private void answer(CompletableFuture<byte[]> response) {
    connections.frameStarted();
    response.whenComplete((utf8, failure) -> {
      try {
        if (utf8 != null) {
          send(utf8);
        } else if (failure != null) {
          log.warn("a frame of {} could not be answered", channel, failure);
        }
      } finally {
        connections.frameAnswered();
      }
    });
  }

  /**
   * Runs one request of a frame.
   *
   * @return its response, or {@code null} for a notification
   */
  private CompletableFuture<byte[]> process(JsonNode element) {
    DecodedRequest decoded = JsonRpcCodec.decodeRequest(element);
    if (decoded instanceof DecodedRequest.Invalid invalid) {
      metrics.request("invalid", RpcOutcomes.outcome(RpcErrors.INVALID_REQUEST), 0);
      return CompletableFuture.completedFuture(
          utf8(JsonRpcCodec.error(invalid.id(), RpcErrors.INVALID_REQUEST, invalid.message(), null)));
    }
    RpcRequest request = ((DecodedRequest.Valid) decoded).request();
    return run(request, () -> dispatcher.dispatch(request));
  }

  /** Runs a decoded request within the socket's limits, and writes its response. */
  private CompletableFuture<byte[]> run(RpcRequest request, Supplier<CompletableFuture<Object>> call) {
    String label = RpcMethod.byWireName(request.method()) == null ? "unknown" : request.method();
    long start = System.nanoTime();
    if (connections.draining()) {
      return CompletableFuture.completedFuture(respond(request, label, start, null,
          MprRpcException.operationFailed("the server is shutting down", true, null)));
    }
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      return CompletableFuture.completedFuture(respond(request, label, start, null, new MprRpcException(
          RpcErrors.TOO_MANY_REQUESTS, "Too many requests in flight on this socket (limit " + limits.maxInFlight() + ")",
          Map.of("retryAfterMs", RETRY_AFTER_MS))));
    }
    return call.get().handle((result, failure) -> {
      inFlight.decrementAndGet();
      return respond(request, label, start, result, failure == null ? null : RpcOutcomes.toRpcError(failure));
    });
  }

  /** The response to a request in UTF-8, or {@code null} for a notification. */
  private byte[] respond(RpcRequest request, String label, long start, Object result, MprRpcException error) {
    metrics.request(label, error == null ? "ok" : RpcOutcomes.outcome(error.code()), System.nanoTime() - start);
    if (request.isNotification()) {
      return null;
    }
    if (error != null) {
      return utf8(JsonRpcCodec.error(request.id(), error));
    }
    try {
      return result instanceof RpcDispatcher.MessageAdded added
          ? utf8(JsonRpcCodec.messageAdded(request.id(), added.messageId()))
          : JsonRpcCodec.successUtf8(request.id(), result);
    } catch (RuntimeException e) {
      return utf8(JsonRpcCodec.error(request.id(), RpcOutcomes.toRpcError(e)));
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a text frame from the UTF-8 bytes of the text; safe from any thread. */
  private void send(String text) {
    Channel ch = channel;
    if (ch != null && ch.isActive() && mayQueue(ch, ByteBufUtil.utf8MaxBytes(text))) {
      ch.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), text)));
    }
  }

  /** Writes a text frame of UTF-8 bytes; safe from any thread. */
  private void send(byte[] utf8) {
    Channel ch = channel;
    if (ch != null && ch.isActive() && mayQueue(ch, utf8.length)) {
      ch.writeAndFlush(new TextWebSocketFrame(ch.alloc().buffer(utf8.length).writeBytes(utf8)));
    }
  }
}
