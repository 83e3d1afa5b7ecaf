package io.github.mpr4j.server.internal.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Small helpers for plain HTTP answers, shared by the operations endpoints and the callback gateway.
 * Internal to the server.
 */
public final class HttpResponses {
  /** The Content-Type of JSON bodies. */
  public static final String JSON = "application/json; charset=utf-8";

  private HttpResponses() {}

  /** A response with a UTF-8 body and its Content-Type and Content-Length. */
  public static FullHttpResponse of(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType,
      String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        ByteBufUtil.writeUtf8(ctx.alloc(), body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(r, r.content().readableBytes());
    return r;
  }

  /** A JSON error body {@code {"error": message}}. */
  public static FullHttpResponse error(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    return of(ctx, status, JSON, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
  }

  /** Writes the response and closes the connection after it. */
  public static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Writes the response, keeping the connection open when the request allows it. */
  public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      sendAndClose(ctx, response);
    }
  }
}
