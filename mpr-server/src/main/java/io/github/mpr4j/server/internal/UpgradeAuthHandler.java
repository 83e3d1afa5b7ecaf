package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.internal.http.HttpResponses;
import io.github.mpr4j.server.AllowedOrigins;
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
 * string); a request with an {@code Origin} header (a browser page) must come from an allowed origin when
 * {@code MPR_CALLBACK_ALLOWED_ORIGINS} is set; and when tokens are configured the request must carry
 * {@code Authorization: Bearer <token>} or {@code ?token=<token>}. Otherwise it is answered 404, 403 or
 * 401 (checked in that order) and the connection closes. On success the
 * token's rights are stored on the channel ({@link #RIGHTS}) and the handler leaves the pipeline.
 */
final class UpgradeAuthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The rights of the socket's token (every right when authentication is off). */
  static final AttributeKey<Set<AuthToken.Right>> RIGHTS = AttributeKey.valueOf("mpr.rights");

  private static final String BEARER = "bearer ";

  private final TokenVerifier verifier;
  private final AllowedOrigins origins;

  /** Any origin allowed. */
  UpgradeAuthHandler(TokenVerifier verifier) {
    this(verifier, AllowedOrigins.any());
  }

  UpgradeAuthHandler(TokenVerifier verifier, AllowedOrigins origins) {
    super(false);
    this.verifier = verifier;
    this.origins = origins;
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
    if (!origins.allows(request.headers().get(HttpHeaderNames.ORIGIN))) {
      request.release();
      HttpResponses.sendAndClose(ctx, HttpResponses.error(ctx, HttpResponseStatus.FORBIDDEN,
          "this origin may not open the MPR WebSocket"));
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
