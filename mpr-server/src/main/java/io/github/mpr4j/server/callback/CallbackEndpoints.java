package io.github.mpr4j.server.callback;

import io.github.mpr4j.server.internal.http.HttpResponses;
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
import io.github.mpr4j.core.callback.CallbackAdd;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprRpcException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
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
  static final String USER_PREFIX = "/callback/user/";
  /** The subprotocol the gateway selects when a browser offers it (with its token as another value). */
  static final String SUBPROTOCOL = "mpr-callback";
  /** The prefix of the {@code Sec-WebSocket-Protocol} value that carries a browser's token. */
  static final String TOKEN_PROTOCOL_PREFIX = "mpr-token.";
  /** The largest frame a browser may send (acks). */
  static final int MAX_BROWSER_FRAME_BYTES = 64 * 1024;
  private static final Pattern CLIENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final GatewayCore gateway;
  private final List<byte[]> keys;
  private final String clientJs;
  private final String demoHtml;
  private final String serviceWorker;

  CallbackEndpoints(GatewayCore gateway) {
    this.gateway = gateway;
    this.keys = gateway.config().keys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.clientJs = resource("client.js").replace("@VAPID_PUBLIC_KEY@",
        gateway.config().webPush() == null ? "" : gateway.config().webPush().publicKey());
    this.serviceWorker = resource("sw.js");
    this.demoHtml = resource("demo.html");
  }

  /** The browser's script and service worker, and the demo page: GET only. */
  private boolean servedStatic(ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
    String type;
    String body;
    switch (path) {
      case "/callback/client.js" -> {
        type = JAVASCRIPT;
        body = clientJs;
      }
      case "/callback/sw.js" -> {
        type = JAVASCRIPT;
        body = serviceWorker;
      }
      case "/callback/demo" -> {
        type = "text/html; charset=utf-8";
        body = demoHtml;
      }
      default -> {
        return false;
      }
    }
    if (!request.method().equals(HttpMethod.GET)) {
      methodNotAllowed(ctx, "GET", keepAlive);
      return true;
    }
    FullHttpResponse r = HttpResponses.of(ctx, HttpResponseStatus.OK, type, body);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    HttpResponses.send(ctx, r, keepAlive);
    return true;
  }

  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";

  /**
   * Answers a request whose path starts with {@value #PREFIX}, or upgrades it to the browser's socket. Runs
   * on the event loop and does not block; the caller releases the request when this returns.
   */
  void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (servedStatic(ctx, request, path, keepAlive)) {
      return;
    }
    if (path.equals(WS_PATH)) {
      if (!request.method().equals(HttpMethod.GET)) {
        methodNotAllowed(ctx, "GET", keepAlive);
      } else {
        upgrade(ctx, request, uri);
      }
      return;
    }
    if (path.startsWith(USER_PREFIX)) {
      if (!request.method().equals(HttpMethod.POST)) {
        methodNotAllowed(ctx, "POST", keepAlive);
      } else {
        postToUser(ctx, request, QueryStringDecoder.decodeComponent(path.substring(USER_PREFIX.length())), keepAlive);
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

  /**
   * The checks every backend POST passes before its target is looked at: the key (401), the body's size
   * (413). Answers the request and returns false when one fails.
   */
  private boolean keyAndSizeAccepted(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (!keys.isEmpty() && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.UNAUTHORIZED,
          "a backend key is required: Authorization: Bearer <key>");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      HttpResponses.send(ctx, r, keepAlive);
      return false;
    }
    int size = request.content().readableBytes();
    if (size > gateway.config().maxBodyBytes()) {
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "the body has " + size + " bytes; the limit is " + gateway.config().maxBodyBytes()));
      return false;
    }
    return true;
  }

  /** The stored payload of the body, or null after answering 400 when it is not one JSON value. */
  private static EncryptedMessage payload(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    EncryptedMessage payload = GatewayCore.payloadOf(ByteBufUtil.getBytes(request.content()));
    if (payload == null) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.BAD_REQUEST, "the body is not JSON"),
          keepAlive);
    }
    return payload;
  }

  /**
   * Answers when {@code outcome} completes: reads no further request meanwhile (answers keep request order),
   * and builds and writes the answer on the connection's event loop (one task, not a write task and an
   * auto-read task; the store's thread that completes the POST goes back to its work at once). A failure
   * is 503.
   */
  private static <T> void answerLater(ChannelHandlerContext ctx, CompletableFuture<T> outcome, boolean keepAlive,
      Function<T, FullHttpResponse> answer) {
    Channel ch = ctx.channel();
    ch.config().setAutoRead(false);
    outcome.whenCompleteAsync((value, error) -> {
      FullHttpResponse r;
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.warn("a callback POST failed: {}", cause.toString());
        r = HttpResponses.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, cause instanceof MprRpcException
            ? "the store is busy or failing; retry later" : "the gateway failed; retry later");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      } else {
        r = answer.apply(value);
      }
      HttpResponses.send(ctx, r, keepAlive);
      ch.config().setAutoRead(true);
    }, ch.eventLoop());
  }

  private void post(ChannelHandlerContext ctx, FullHttpRequest request, String clientId, boolean keepAlive) {
    if (!keyAndSizeAccepted(ctx, request, keepAlive)) {
      return;
    }
    if (!CLIENT_ID.matcher(clientId).matches()) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "unknown clientId"), keepAlive);
      return;
    }
    EncryptedMessage payload = payload(ctx, request, keepAlive);
    if (payload == null) {
      return;
    }
    answerLater(ctx, gateway.post(clientId, payload), keepAlive, outcome -> {
      FullHttpResponse r;
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
          r = HttpResponses.of(ctx, HttpResponseStatus.ACCEPTED, HttpResponses.JSON, "{\"id\":\"" + outcome.messageId()
              + "\",\"delivered\":\"" + (outcome.status() == CallbackAdd.Status.LIVE ? "live" : "pending")
              + "\"}");
      }
      return r;
    });
  }

  // ---------------------------------------------------------------- POST /callback/user/{userId}

  private void postToUser(ChannelHandlerContext ctx, FullHttpRequest request, String userId, boolean keepAlive) {
    if (keys.isEmpty()) {
      // userIds are not secrets, unlike clientIds: without backend keys anyone could post to any user
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.FORBIDDEN,
          "posting to a user needs backend keys (MPR_CALLBACK_KEYS)"), keepAlive);
      return;
    }
    if (!keyAndSizeAccepted(ctx, request, keepAlive)) {
      return;
    }
    if (!gateway.authRequired() || !BrowserAuthenticator.validUserId(userId)) {
      HttpResponses.send(ctx, HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND,
          "no browser of this user is registered"), keepAlive);
      return;
    }
    EncryptedMessage payload = payload(ctx, request, keepAlive);
    if (payload == null) {
      return;
    }
    answerLater(ctx, gateway.postToUser(userId, payload), keepAlive, outcome -> {
      if (outcome.stored() == 0 && outcome.tooManyPending() == 0) {
        return HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "no browser of this user is registered");
      }
      if (outcome.stored() == 0) {
        FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "every browser of the user"
            + " has " + gateway.config().maxPending() + " pending notifications, the limit; retry later");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "10");
        return r;
      }
      StringBuilder ids = new StringBuilder();
      for (String id : outcome.ids()) {
        ids.append(ids.length() == 0 ? "\"" : ",\"").append(id).append('"');
      }
      return HttpResponses.of(ctx, HttpResponseStatus.ACCEPTED, HttpResponses.JSON, "{\"ids\":[" + ids
          + "],\"live\":" + outcome.live() + ",\"pending\":" + outcome.pending() + ",\"refused\":"
          + outcome.tooManyPending() + "}");
    });
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
    if (!gateway.authRequired()) {
      open(ctx, request, uri, null);
      return;
    }
    String token = presentedToken(request, uri);
    if (token == null) {
      unauthorized(ctx, "a token is required: ?token=<token> or Sec-WebSocket-Protocol: " + SUBPROTOCOL + ", "
          + TOKEN_PROTOCOL_PREFIX + "<token>");
      return;
    }
    // the backend's answer comes later: read nothing meanwhile, and keep the request until then
    Channel ch = ctx.channel();
    ch.config().setAutoRead(false);
    request.retain();
    gateway.authenticate(token).whenCompleteAsync((result, error) -> {
      try {
        if (!ch.isActive()) {
          return;
        }
        BrowserAuthenticator.Verdict verdict = error != null ? BrowserAuthenticator.Verdict.UNAVAILABLE
            : result.verdict();
        switch (verdict) {
          case VALID -> {
            ch.config().setAutoRead(true);
            open(ctx, request, uri, result.userId());
          }
          case INVALID -> unauthorized(ctx, "the token was refused by the backend");
          default -> {
            FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the token could not be checked; retry later");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            HttpResponses.sendAndClose(ctx, r);
          }
        }
      } finally {
        request.release();
      }
    }, ch.eventLoop());
  }

  private static void unauthorized(ChannelHandlerContext ctx, String message) {
    FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.UNAUTHORIZED, message);
    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    HttpResponses.sendAndClose(ctx, r);
  }

  /**
   * A browser's token: the {@code token} query parameter, else the {@code Sec-WebSocket-Protocol} value
   * that starts with {@value #TOKEN_PROTOCOL_PREFIX} (browsers cannot set headers on a WebSocket); null
   * when neither is there.
   */
  static String presentedToken(FullHttpRequest request, QueryStringDecoder uri) {
    List<String> query = uri.parameters().get("token");
    if (query != null && !query.isEmpty() && !query.get(0).isEmpty()) {
      return query.get(0);
    }
    for (String header : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
      for (String value : header.split(",")) {
        String v = value.strip();
        if (v.startsWith(TOKEN_PROTOCOL_PREFIX) && v.length() > TOKEN_PROTOCOL_PREFIX.length()) {
          return v.substring(TOKEN_PROTOCOL_PREFIX.length());
        }
      }
    }
    return null;
  }

  /** The upgrade of a request that passed the origin and token checks; {@code userId} may be null. */
  private void open(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, String userId) {
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
        "ws://" + (host == null ? "localhost" : host) + WS_PATH, SUBPROTOCOL, false, MAX_BROWSER_FRAME_BYTES);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    CallbackSocketHandler handler = new CallbackSocketHandler(gateway, handshaker, requested, host, source, userId);
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
