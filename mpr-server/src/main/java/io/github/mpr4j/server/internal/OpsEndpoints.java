package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.internal.http.HttpResponses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.PickupQueue;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.function.Supplier;

/** The operations endpoints of APP_PORT: {@code /health}, {@code /ready} and {@code /metrics}. */
final class OpsEndpoints {
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpsEndpoints() {}

  private static String jsonString(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds the endpoints to a dispatcher; {@code queue} gives the queue, or {@code null} before it exists. */
  static HttpDispatcher addTo(HttpDispatcher dispatcher, Supplier<PickupQueue> queue, Metrics metrics) {
    return dispatcher
        .route(HttpMethod.GET, "/health", (ctx, req) ->
            HttpResponses.of(ctx, HttpResponseStatus.OK, HttpResponses.JSON, "{\"status\":\"up\"}"))
        .route(HttpMethod.GET, "/ready", (ctx, req) -> {
          PickupQueue q = queue.get();
          Optional<String> reason = q == null ? Optional.of("starting") : q.notReadyReason();
          return reason.isEmpty()
              ? HttpResponses.of(ctx, HttpResponseStatus.OK, HttpResponses.JSON, "{\"status\":\"ready\"}")
              : HttpResponses.of(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpResponses.JSON,
                  "{\"status\":\"not ready\",\"reason\":" + jsonString(reason.get()) + "}");
        })
        .route(HttpMethod.GET, "/metrics", (ctx, req) ->
            HttpResponses.of(ctx, HttpResponseStatus.OK, PROMETHEUS, metrics.render()));
  }
}
