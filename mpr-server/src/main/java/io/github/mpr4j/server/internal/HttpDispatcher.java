package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.internal.http.HttpResponses;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the HTTP requests of APP_PORT by exact path and method: unknown paths get 404, known paths with
 * another method 405 with an {@code Allow} header. Routes are added before the server starts, so the
 * callback gateway can join the operations endpoints on the same port. Shared by every connection.
 */
@ChannelHandler.Sharable
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

  /** Answers one request; runs on the event loop and must not block. */
  @FunctionalInterface
  interface Endpoint {
    FullHttpResponse handle(ChannelHandlerContext ctx, FullHttpRequest request);
  }

  /**
   * Takes a request over entirely: answers it (possibly later, from another thread) or upgrades the
   * connection. Runs on the event loop and must not block; the request is released when it returns.
   */
  @FunctionalInterface
  interface RawEndpoint {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request);
  }

  private final Map<String, Map<HttpMethod, Endpoint>> routes = new LinkedHashMap<>();
  private final Map<String, RawEndpoint> prefixRoutes = new LinkedHashMap<>();

  /** Adds a route; call before the server starts. */
  HttpDispatcher route(HttpMethod method, String path, Endpoint endpoint) {
    routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
    return this;
  }

  /** Hands every request whose path starts with {@code prefix} (and has no exact route) to an endpoint. */
  HttpDispatcher routePrefix(String prefix, RawEndpoint endpoint) {
    prefixRoutes.put(prefix, endpoint);
    return this;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()) {
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request"));
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    Map<HttpMethod, Endpoint> byMethod = routes.get(path);
    if (byMethod == null) {
      for (Map.Entry<String, RawEndpoint> e : prefixRoutes.entrySet()) {
        if (path.startsWith(e.getKey())) {
          e.getValue().handle(ctx, request);
          return;
        }
      }
    }
    FullHttpResponse response;
    if (byMethod == null) {
      response = HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND, "not found");
    } else if (!byMethod.containsKey(request.method())) {
      response = HttpResponses.error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
      response.headers().set(HttpHeaderNames.ALLOW,
          byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
    } else {
      response = byMethod.get(request.method()).handle(ctx, request);
    }
    HttpResponses.send(ctx, response, keepAlive);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing HTTP connection {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
