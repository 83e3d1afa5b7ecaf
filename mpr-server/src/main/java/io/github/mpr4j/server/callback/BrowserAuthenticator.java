package io.github.mpr4j.server.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.server.CallbackAuthConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a browser's token against the backend ({@code MPR_CALLBACK_AUTH_URL}): one {@code GET} of the
 * URL with {@code Authorization: Bearer <token>}, bounded by the timeout. A 2xx answer accepts the token;
 * its JSON body may name the user ({@code "userId"}) and the token's expiry ({@code "exp"}, epoch seconds,
 * as in a JWT). A 401 or 403 (any other 4xx too) refuses it. Anything else (5xx, a timeout, no connection,
 * a malformed userId) is an outage: the browser gets 503, and the log says what happened.
 *
 * <p>Answers are cached by the token's SHA-256 (the token itself is not kept): acceptances for {@code
 * cacheTtl} (never past {@code exp}), refusals for {@code negativeCacheTtl}; outages are not cached.
 * Concurrent checks of one token share one call. At most {@code cacheEntries} answers are kept.
 */
final class BrowserAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(BrowserAuthenticator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The longest userId accepted from the backend. */
  static final int MAX_USER_ID_CHARS = 256;

  enum Verdict { VALID, INVALID, UNAVAILABLE }

  /** The answer for a token: its verdict and, when valid, the user the backend named (or null). */
  record Result(Verdict verdict, String userId) {
    static final Result INVALID = new Result(Verdict.INVALID, null);
    static final Result UNAVAILABLE = new Result(Verdict.UNAVAILABLE, null);
  }

  private record Cached(Result result, long untilMillis) {}

  private final CallbackAuthConfig config;
  private final HttpClient http;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Result>> inFlight = new ConcurrentHashMap<>();

  BrowserAuthenticator(CallbackAuthConfig config, Clock clock, Executor executor) {
    this.config = config;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Validates a token; never fails (an outage is the {@link Verdict#UNAVAILABLE} result). */
  CompletableFuture<Result> check(String token) {
    if (token == null || token.isEmpty()) {
      return CompletableFuture.completedFuture(Result.INVALID);
    }
    String key = sha256(token);
    Cached c = cache.get(key);
    if (c != null) {
      if (c.untilMillis() > clock.millis()) {
        return CompletableFuture.completedFuture(c.result());
      }
      cache.remove(key, c);
    }
    CompletableFuture<Result> mine = new CompletableFuture<>();
    CompletableFuture<Result> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    ask(token).whenComplete((result, error) -> {
      Result r = error != null ? Result.UNAVAILABLE : result;
      inFlight.remove(key, mine);
      mine.complete(r);
    });
    return mine;
  }

  private CompletableFuture<Result> ask(String token) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(config.url()).timeout(config.timeout())
          .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Result.INVALID); // a token that cannot be a header value
    }
    String key = sha256(token);
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
      if (error != null) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        log.warn("the browser token check at {} failed: {}; the browser got 503", describeUrl(), cause.toString());
        return Result.UNAVAILABLE;
      }
      int status = response.statusCode();
      long now = clock.millis();
      if (status >= 200 && status < 300) {
        return accepted(key, response.body(), now);
      }
      if (status >= 400 && status < 500) {
        remember(key, Result.INVALID, now + config.negativeCacheTtl().toMillis(), now);
        return Result.INVALID;
      }
      log.warn("the browser token check at {} answered {}; the browser got 503", describeUrl(), status);
      return Result.UNAVAILABLE;
    });
  }

  private Result accepted(String key, byte[] body, long now) {
    String userId = null;
    long until = now + config.cacheTtl().toMillis();
    if (body.length > 0) {
      JsonNode answer;
      try {
        answer = JSON.readTree(body);
      } catch (Exception e) {
        answer = null; // a 2xx without JSON accepts the token, with no user
      }
      if (answer != null && answer.isObject()) {
        JsonNode user = answer.get("userId");
        if (user != null && !user.isNull()) {
          if (!user.isTextual() || !validUserId(user.asText())) {
            log.warn("the browser token check at {} answered a userId that is not a string of 1 to {} printable"
                + " characters; the browser got 503", describeUrl(), MAX_USER_ID_CHARS);
            return Result.UNAVAILABLE;
          }
          userId = user.asText();
        }
        JsonNode exp = answer.get("exp");
        if (exp != null && exp.isNumber()) {
          long expMillis = (long) (exp.asDouble() * 1000);
          if (expMillis <= now) {
            remember(key, Result.INVALID, now + config.negativeCacheTtl().toMillis(), now);
            return Result.INVALID; // the backend accepted a token that has expired
          }
          until = Math.min(until, expMillis);
        }
      }
    }
    Result r = new Result(Verdict.VALID, userId);
    remember(key, r, until, now);
    return r;
  }

  /** Whether a userId may name a user: 1 to 256 characters, none of them a control character. */
  static boolean validUserId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_USER_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private void remember(String key, Result result, long untilMillis, long now) {
    if (untilMillis <= now) {
      return;
    }
    if (cache.size() >= config.cacheEntries()) {
      // drop the expired entries, then, if still full, arbitrary ones: the cache is an optimization
      cache.values().removeIf(c -> c.untilMillis() <= now);
      for (Iterator<String> it = cache.keySet().iterator(); it.hasNext() && cache.size() >= config.cacheEntries(); ) {
        it.next();
        it.remove();
      }
    }
    cache.put(key, new Cached(result, untilMillis));
  }

  private String describeUrl() {
    return config.url().getScheme() + "://" + config.url().getHost()
        + (config.url().getPort() == -1 ? "" : ":" + config.url().getPort()) + config.url().getRawPath();
  }

  private static String sha256(String token) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
