package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.server.AllowedOrigins;
import io.github.mpr4j.server.AuthToken;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The path and token check of the WebSocket upgrade. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class UpgradeAuthHandlerTest {
  private static final TokenVerifier TOKENS = new TokenVerifier(List.of(AuthToken.allRights("all-secret"),
      new AuthToken("send-secret", Set.of(AuthToken.Right.SEND))));

  private EmbeddedChannel channel;

  @AfterEach
  void finish() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private FullHttpRequest upgrade(String uri, String authorization) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    if (authorization != null) {
      r.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return r;
  }

  /** Sends the request; returns the response status, or 0 when the request was passed on. */
  private int check(TokenVerifier verifier, String uri, String authorization) {
    return check(new UpgradeAuthHandler(verifier), upgrade(uri, authorization));
  }

  /** An upgrade from a browser page of {@code origin} (no Origin header when null) against an allow-list. */
  private int checkOrigin(String allowed, String origin, String authorization) {
    FullHttpRequest r = upgrade("/", authorization);
    if (origin != null) {
      r.headers().set(HttpHeaderNames.ORIGIN, origin);
    }
    return check(new UpgradeAuthHandler(TOKENS, allowed == null ? AllowedOrigins.any()
        : new AllowedOrigins(Set.of(allowed))), r);
  }

  private int check(UpgradeAuthHandler handler, FullHttpRequest request) {
    channel = new EmbeddedChannel(handler);
    channel.writeInbound(request);
    FullHttpResponse response = channel.readOutbound();
    if (response == null) {
      FullHttpRequest passed = channel.readInbound();
      passed.release();
      assertNull(channel.pipeline().get(UpgradeAuthHandler.class), "the check leaves the pipeline");
      return 0;
    }
    try {
      assertNull(channel.readInbound());
      assertFalse(channel.isActive(), "a refused upgrade closes the connection");
      return response.status().code();
    } finally {
      response.release();
    }
  }

  @Test
  void a_missing_token_is_answered_401() {
    assertEquals(401, check(TOKENS, "/", null));
    assertEquals(401, check(TOKENS, "/?socket_id=1", "Basic all-secret"));
  }

  @Test
  void a_wrong_token_is_answered_401() {
    assertEquals(401, check(TOKENS, "/?token=all-secre", null));
    assertEquals(401, check(TOKENS, "/", "Bearer all-secret-and-more"));
  }

  @Test
  void a_bearer_header_passes_with_its_rights() {
    assertEquals(0, check(TOKENS, "/?socket_id=abc", "Bearer send-secret"));
    assertEquals(Set.of(AuthToken.Right.SEND), channel.attr(UpgradeAuthHandler.RIGHTS).get());
    assertEquals(0, check(TOKENS, "/", "bearer all-secret"));
    assertEquals(EnumSet.allOf(AuthToken.Right.class), channel.attr(UpgradeAuthHandler.RIGHTS).get());
  }

  @Test
  void a_query_token_passes_with_its_rights() {
    assertEquals(0, check(TOKENS, "/?socket_id=abc&token=all-secret", null));
    assertEquals(EnumSet.allOf(AuthToken.Right.class), channel.attr(UpgradeAuthHandler.RIGHTS).get());
  }

  @Test
  void without_configured_tokens_every_upgrade_passes_with_all_rights() {
    assertEquals(0, check(new TokenVerifier(List.of()), "/?socket_id=1", null));
    assertEquals(EnumSet.allOf(AuthToken.Right.class), channel.attr(UpgradeAuthHandler.RIGHTS).get());
  }

  @Test
  void another_path_is_answered_404() {
    assertEquals(404, check(TOKENS, "/admin?token=all-secret", null));
  }

  @Test
  void with_an_origin_list_a_browser_page_of_another_origin_is_answered_403_even_with_a_valid_token() {
    assertEquals(403, checkOrigin("https://app.example.com", "https://evil.example.com", "Bearer all-secret"));
    assertEquals(403, checkOrigin("https://app.example.com", "http://app.example.com", "Bearer all-secret"));
    assertEquals(403, checkOrigin("https://app.example.com", "null", "Bearer all-secret"));
  }

  @Test
  void with_an_origin_list_a_listed_origin_passes_and_still_needs_its_token() {
    assertEquals(0, checkOrigin("https://app.example.com", "https://APP.example.com", "Bearer all-secret"));
    assertEquals(401, checkOrigin("https://app.example.com", "https://app.example.com", null));
  }

  @Test
  void with_an_origin_list_a_request_without_an_origin_is_not_a_browser_and_passes() {
    assertEquals(0, checkOrigin("https://app.example.com", null, "Bearer all-secret"));
  }

  @Test
  void without_an_origin_list_every_origin_passes() {
    assertEquals(0, checkOrigin(null, "https://evil.example.com", "Bearer all-secret"));
  }

  @Test
  void the_verifier_grants_nothing_for_a_token_that_is_a_prefix_or_extension() {
    assertNull(TOKENS.rightsOf("all"));
    assertNull(TOKENS.rightsOf(""));
    assertNull(TOKENS.rightsOf(null));
    assertTrue(TOKENS.rightsOf("send-secret").contains(AuthToken.Right.SEND));
  }
}
