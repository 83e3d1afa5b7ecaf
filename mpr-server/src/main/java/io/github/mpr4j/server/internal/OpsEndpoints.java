package io.github.mpr4j.server.internal;

import io.github.mpr4j.core.PickupQueue;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/** The operations endpoints of APP_PORT: {@code /health}, {@code /ready} and {@code /metrics}. */
final class OpsEndpoints {
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private OpsEndpoints() {}

  /** Adds the endpoints to a dispatcher; {@code queue} gives the queue, or {@code null} before it exists. */
  static HttpDispatcher addTo(HttpDispatcher dispatcher, Supplier<PickupQueue> queue, Metrics metrics) {
    return dispatcher
        .route(HttpMethod.GET, "/health", (ctx, req) ->
            HttpResponses.of(ctx, HttpResponseStatus.OK, HttpResponses.JSON, "{\"status\":\"up\"}"))
        .route(HttpMethod.GET, "/ready", (ctx, req) -> {
          PickupQueue q = queue.get();
          return q != null && q.isReady()
              ? HttpResponses.of(ctx, HttpResponseStatus.OK, HttpResponses.JSON, "{\"status\":\"ready\"}")
              : HttpResponses.of(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpResponses.JSON,
                  "{\"status\":\"not ready\"}");
        })
        .route(HttpMethod.GET, "/metrics", (ctx, req) ->
            HttpResponses.of(ctx, HttpResponseStatus.OK, PROMETHEUS, metrics.render()));
  }
}
