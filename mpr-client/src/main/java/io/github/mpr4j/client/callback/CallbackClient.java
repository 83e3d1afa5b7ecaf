package io.github.mpr4j.client.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Posts notifications to browsers through the server's callback gateway, for web backends: one HTTP call per
 * notification over the JDK's {@link HttpClient} (HTTP/1.1, connections kept alive and reused), with the
 * backend key as a bearer token. Every documented status becomes a typed result; only a failure to get an
 * answer at all (connection refused, {@link Builder#requestTimeout timeout}) completes the future
 * exceptionally, with the {@link IOException}. Thread-safe; one instance serves any number of calls at once.
 */
public final class CallbackClient {
  /** What a clientId may hold: the gateway issues UUIDs; anything else would be answered 404 anyway. */
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final @Nullable String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;

  private CallbackClient(Builder b) {
    String s = b.baseUri.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.authorization = b.backendKey == null ? null : "Bearer " + b.backendKey;
    this.requestTimeout = b.requestTimeout;
    HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(b.connectTimeout);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
  }

  /**
   * A builder for a client of the gateway at {@code baseUri}: the server's HTTP port ({@code APP_PORT}) or the
   * public URL in front of it, e.g. {@code https://mpr.example.com/}.
   *
   * @param baseUri an {@code http} or {@code https} URI
   * @return a builder
   */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /**
   * Posts one notification to a browser: {@code POST /callback/{clientId}}.
   *
   * @param clientId the browser's clientId (from its {@code registered} frame)
   * @param json the notification: exactly one JSON value, sent as is
   * @return the gateway's answer; exceptionally only when there was no answer
   * @throws IllegalArgumentException when the clientId cannot be one the gateway issues
   */
  public CompletableFuture<CallbackPostResult> post(String clientId, String json) {
    Objects.requireNonNull(json, "json");
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      throw new IllegalArgumentException("not a clientId: " + clientId);
    }
    return send("callback/" + clientId, json).thenApply(r -> {
      int status = r.statusCode();
      CallbackPostResult.Outcome outcome = CallbackPostResult.Outcome.of(status);
      if (outcome != CallbackPostResult.Outcome.STORED) {
        return new CallbackPostResult(status, outcome, null, false, retryAfter(r));
      }
      JsonNode body = parse(r.body());
      return new CallbackPostResult(status, outcome, body.path("id").asText(),
          "live".equals(body.path("delivered").asText()), null);
    });
  }

  /**
   * Posts one notification to every browser of a user: {@code POST /callback/user/{userId}} (the gateway
   * needs browser authentication and backend keys for it).
   *
   * @param userId the user as the authentication backend named them
   * @param json the notification: exactly one JSON value, sent as is
   * @return the gateway's answer; exceptionally only when there was no answer
   */
  public CompletableFuture<CallbackUserPostResult> postToUser(String userId, String json) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(json, "json");
    String segment = URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20");
    return send("callback/user/" + segment, json).thenApply(r -> {
      int status = r.statusCode();
      CallbackPostResult.Outcome outcome = CallbackPostResult.Outcome.of(status);
      if (outcome != CallbackPostResult.Outcome.STORED) {
        return new CallbackUserPostResult(status, outcome, List.of(), 0, 0, 0, retryAfter(r));
      }
      JsonNode body = parse(r.body());
      List<String> ids = new ArrayList<>();
      body.path("ids").forEach(id -> ids.add(id.asText()));
      return new CallbackUserPostResult(status, outcome, ids, body.path("live").asInt(),
          body.path("pending").asInt(), body.path("refused").asInt(), null);
    });
  }

  private CompletableFuture<HttpResponse<String>> send(String path, String json) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(base.resolve(path))
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    return http.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static Duration retryAfter(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").map(v -> {
      try {
        return Duration.ofSeconds(Long.parseLong(v.trim()));
      } catch (NumberFormatException e) {
        return null; // an HTTP date: the gateway sends seconds
      }
    }).orElse(null);
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the gateway's 202 answer is not JSON: " + body, e);
    }
  }

  /** Settings of a {@link CallbackClient}. */
  public static final class Builder {
    private final URI baseUri;
    private @Nullable String backendKey;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private @Nullable SSLContext sslContext;

    private Builder(URI baseUri) {
      Objects.requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("the gateway's URI is http:// or https://, not " + baseUri);
      }
      this.baseUri = baseUri;
    }

    /**
     * The backend key, one of the server's {@code MPR_CALLBACK_KEYS} (default: none, for a server without keys).
     *
     * @param key the key
     * @return this builder
     */
    public Builder backendKey(String key) {
      this.backendKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * How long a connection may take to open (default 5 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout);
      return this;
    }

    /**
     * How long one call may wait for its answer (default 10 s); then its future fails with
     * {@link java.net.http.HttpTimeoutException}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout);
      return this;
    }

    /**
     * The TLS context for an {@code https} gateway (default: the JDK's, which trusts the JDK's CAs).
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * The client.
     *
     * @return a new client
     */
    public CallbackClient build() {
      return new CallbackClient(this);
    }

    private static Duration positive(Duration d) {
      Objects.requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive, not " + d);
      }
      return d;
    }
  }
}
