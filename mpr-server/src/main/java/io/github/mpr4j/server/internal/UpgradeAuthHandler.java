package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.AuthToken;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.Set;

/**
 * Checks the WebSocket upgrade request before the handshake: the path must be {@code /} (any query
 * string), and when tokens are configured the request must carry {@code Authorization: Bearer <token>}
 * or {@code ?token=<token>}; otherwise it is answered 404 or 401 and the connection closes. On success the
 * token's rights are stored on the channel ({@link #RIGHTS}) and the handler leaves the pipeline.
 */
final class UpgradeAuthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The rights of the socket's token (every right when authentication is off). */
  static final AttributeKey<Set<AuthToken.Right>> RIGHTS = AttributeKey.valueOf("mpr.rights");

  private static final String BEARER = "bearer ";

  private final TokenVerifier verifier;

  UpgradeAuthHandler(TokenVerifier verifier) {
    super(false);
    this.verifier = verifier;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    if (!"/".equals(uri.path())) {
      request.release();
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.NOT_FOUND,
          "the MPR WebSocket endpoint is at /"));
      return;
    }
    Set<AuthToken.Right> rights = verifier.rightsOf(presentedToken(request, uri));
    if (rights == null) {
      request.release();
      FullHttpResponse r = HttpResponses.error(ctx, HttpResponseStatus.UNAUTHORIZED,
          "a valid token is required (Authorization: Bearer <token> or ?token=<token>)");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      HttpResponses.sendAndClose(ctx, r);
      return;
    }
    ctx.channel().attr(RIGHTS).set(rights);
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(request);
  }

  /** The token from the Authorization header, else from the query string, else {@code null}. */
  static String presentedToken(FullHttpRequest request, QueryStringDecoder uri) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header != null && header.length() > BEARER.length()
        && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).strip();
    }
    List<String> query = uri.parameters().get("token");
    return query == null || query.isEmpty() ? null : query.get(0);
  }
}
