package io.github.mpr4j.server.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprRpcException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the callback gateway on APP_PORT: {@code GET /callback/ws} (the browser's WebSocket),
 * {@code POST /callback/{clientId}} (a backend's notification), {@code GET /callback/client.js} and
 * {@code GET /callback/demo}.
 */
final class CallbackEndpoints {
  private static final Logger log = LoggerFactory.getLogger(CallbackEndpoints.class);
  static final String PREFIX = "/callback/";
  static final String WS_PATH = "/callback/ws";
  /** The largest frame a browser may send (acks). */
  static final int MAX_BROWSER_FRAME_BYTES = 64 * 1024;
  private static final Pattern CLIENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final CallbackGateway gateway;
  private final List<byte[]> keys;
  private final String clientJs;
  private final String demoHtml;

  private CallbackEndpoints(CallbackGateway gateway) {
    this.gateway = gateway;
    this.keys = gateway.config().keys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.clientJs = resource("client.js");
    this.demoHtml = resource("demo.html");
  }

  /** Adds the gateway's routes to a dispatcher. */
  static HttpDispatcher addTo(HttpDispatcher dispatcher, CallbackGateway gateway) {
    CallbackEndpoints e = new CallbackEndpoints(gateway);
    return dispatcher
        .route(HttpMethod.GET, "/callback/client.js", (ctx, req) -> e.staticFile(ctx, "text/javascript; charset=utf-8",
            e.clientJs))
        .route(HttpMethod.GET, "/callback/demo", (ctx, req) -> e.staticFile(ctx, "text/html; charset=utf-8",
            e.demoHtml))
        .routePrefix(PREFIX, e::handle);
  }

  private FullHttpResponse staticFile(ChannelHandlerContext ctx, String type, String body) {
    FullHttpResponse r = HttpResponses.of(ctx, HttpResponseStatus.OK, type, body);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    return r;
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.equals(WS_PATH)) {
      if (!request.method().equals(HttpMethod.GET)) {
        methodNotAllowed(ctx, "GET", keepAlive);
      } else {
        upgrade(ctx, request, uri);
      }
      return;
    }
    String clientId = path.substring(PREFIX.length());
    if (clientId.isEmpty() || clientId.indexOf('/') >= 0) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "not found"), keepAlive);
    } else if (!request.method().equals(HttpMethod.POST)) {
      methodNotAllowed(ctx, "POST", keepAlive);
    } else {
      post(ctx, request, clientId, keepAlive);
    }
  }

  private static void methodNotAllowed(ChannelHandlerContext ctx, String allow, boolean keepAlive) {
    FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
    r.headers().set(HttpHeaderNames.ALLOW, allow);
    HttpResponses.send(ctx, r, keepAlive);
  }

  // ---------------------------------------------------------------- POST /callback/{clientId}

  private void post(ChannelHandlerContext ctx, FullHttpRequest request, String clientId, boolean keepAlive) {
    if (!keys.isEmpty() && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.UNAUTHORIZED,
          "a backend key is required: Authorization: Bearer <key>");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      HttpResponses.send(ctx, r, keepAlive);
      return;
    }
    int size = request.content().readableBytes();
    if (size > gateway.config().maxBodyBytes()) {
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "the body has " + size + " bytes; the limit is " + gateway.config().maxBodyBytes()));
      return;
    }
    if (!CLIENT_ID.matcher(clientId).matches()) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "unknown clientId"), keepAlive);
      return;
    }
    EncryptedMessage payload = CallbackGateway.payloadOf(ByteBufUtil.getBytes(request.content()));
    if (payload == null) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.BAD_REQUEST, "the body is not JSON"),
          keepAlive);
      return;
    }
    Channel ch = ctx.channel();
    ch.config().setAutoRead(false); // one request at a time per connection: answers keep request order
    // the answer is built and written on the connection's event loop: one task, not a write task and an
    // auto-read task, and the store's thread that completes the POST goes back to its work at once
    gateway.post(clientId, payload).whenCompleteAsync((outcome, error) -> {
      FullHttpResponse r;
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.warn("a callback POST failed: {}", cause.toString());
        r = HttpResponses.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, cause instanceof MprRpcException
            ? "the store is busy or failing; retry later" : "the gateway failed; retry later");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      } else {
        switch (outcome.status()) {
          case UNKNOWN_CLIENT:
            r = HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "unknown clientId");
            break;
          case TOO_MANY_PENDING:
            r = HttpResponses.error(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "the browser has "
                + gateway.config().maxPending() + " pending notifications, the limit; retry later");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "10");
            break;
          default:
            r = HttpResponses.of(ctx, HttpResponseStatus.ACCEPTED, HttpResponses.JSON, "{\"id\":\"" + outcome.id()
                + "\",\"delivered\":\"" + (outcome.status() == CallbackGateway.Status.LIVE ? "live" : "pending")
                + "\"}");
        }
      }
      HttpResponses.send(ctx, r, keepAlive);
      ch.config().setAutoRead(true);
    }, ch.eventLoop());
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (byte[] key : keys) {
      ok |= MessageDigest.isEqual(key, presented);
    }
    return ok;
  }

  // ---------------------------------------------------------------- GET /callback/ws

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.BAD_REQUEST,
          "a WebSocket upgrade is expected"));
      return;
    }
    if (!gateway.config().allowedOrigins().allows(request.headers().get(HttpHeaderNames.ORIGIN))) {
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.FORBIDDEN,
          "this origin may not open the callback socket (MPR_CALLBACK_ALLOWED_ORIGINS)"));
      return;
    }
    List<String> ids = uri.parameters().get("clientId");
    String requested = ids == null || ids.isEmpty() ? null : ids.get(0).toLowerCase(java.util.Locale.ROOT);
    if (requested != null && !CLIENT_ID.matcher(requested).matches()) {
      requested = null; // not one of ours: register anew
    }
    String source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    if (requested == null && !gateway.mayRegister(source)) {
      FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.TOO_MANY_REQUESTS,
          "too many registrations from this address; retry later");
      r.headers().set(HttpHeaderNames.RETRY_AFTER, "60");
      HttpResponses.sendAndClose(ctx, r);
      return;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
        "ws://" + (host == null ? "localhost" : host) + WS_PATH, null, false, MAX_BROWSER_FRAME_BYTES);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    CallbackSocketHandler handler = new CallbackSocketHandler(gateway, handshaker, requested, host, source);
    Channel ch = ctx.channel();
    handshaker.handshake(ch, request).addListener(f -> {
      if (f.isSuccess()) {
        handler.start(ch);
      } else {
        ch.close();
      }
    });
    ctx.pipeline().addAfter(ctx.name(), "callback-ws", handler);
    ctx.pipeline().addAfter(ctx.name(), "callback-fragments", new WebSocketFrameAggregator(MAX_BROWSER_FRAME_BYTES));
    ctx.pipeline().remove(ctx.handler());
  }

  private static String resource(String name) {
    try (InputStream in = CallbackEndpoints.class.getResourceAsStream("/io/github/mpr4j/server/callback/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
