package io.github.mpr4j.server.callback;

import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.server.CallbackConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The callback gateway of one server instance, as the server sees it: built over the core's {@link
 * CallbackQueue} (the pickup queue and the {@link CallbackRegistry}), it answers every HTTP request under {@value #PATH_PREFIX} on APP_PORT (the
 * backends' POSTs, the browser's script and service worker, the demo page) and upgrades {@code GET
 * /callback/ws} to the browser's WebSocket. The clientId {@code C} is the queue's connection {@value
 * #CONNECTION_PREFIX}{@code C} (docs/callback-gateway.md).
 *
 * <p>Internal to the server: {@link io.github.mpr4j.server.MprServer} builds it; this is not an API.
 */
public final class CallbackGateway implements AutoCloseable {
  /** The path prefix of every request the gateway answers. */
  public static final String PATH_PREFIX = CallbackEndpoints.PREFIX;
  /** The connectionId prefix of the gateway's queues, which the JSON-RPC API must refuse. */
  public static final String CONNECTION_PREFIX = CallbackRegistry.CONNECTION_PREFIX;

  private final GatewayCore core;
  private final CallbackEndpoints endpoints;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CallbackGateway(GatewayCore core) {
    this.core = core;
    this.endpoints = new CallbackEndpoints(core);
  }

  /**
   * Builds a gateway; {@link #start} starts its timers. It closes the registry when it is closed.
   *
   * @param callbacks the pickup queue that holds the notifications, and the registrations, shared by every
   *     instance that serves the same browsers
   * @param config the gateway's settings
   * @param metrics what it counts
   * @param push the notifier that sends Web Push when {@code config.webPush()} is set; may be null otherwise
   * @return the gateway, not started
   */
  public static CallbackGateway build(CallbackQueue callbacks, CallbackConfig config, CallbackMetrics metrics,
      PushNotifier push) {
    return new CallbackGateway(new GatewayCore(Objects.requireNonNull(callbacks, "callbacks"),
        Objects.requireNonNull(config, "config"), Clock.systemUTC(), Objects.requireNonNull(metrics, "metrics"),
        push));
  }

  /**
   * The largest HTTP request the port must aggregate for the gateway: the largest notification body and
   * room for its headers.
   *
   * @return a size in bytes
   */
  public int maxRequestBytes() {
    return (int) Math.min(Integer.MAX_VALUE, core.config().maxBodyBytes() + 1024L);
  }

  /**
   * Answers a request whose path starts with {@value #PATH_PREFIX}, or upgrades it to a browser socket
   * ({@code GET /callback/ws}). Runs on the connection's event loop and never blocks: answers that wait for
   * the store or the registry are written later. The caller releases the request when this returns.
   *
   * @param ctx the context of the HTTP handler that received the request
   * @param request the aggregated request
   */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    endpoints.handle(ctx, request);
  }

  /** Starts the timers that keep connected browsers' registrations alive and sweep expired ones. */
  public void start() {
    core.start();
  }

  /**
   * A push provider said a token is gone (404 or 410): when it is a browser's Web Push subscription that
   * is still stored, it is removed. Other tokens are ignored.
   *
   * @param request the push whose token is gone
   */
  public void subscriptionGone(PushRequest request) {
    core.subscriptionGone(request);
  }

  /** Closes every browser socket with 1001, stops the timers and closes the registry. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      core.close();
    }
  }
}
