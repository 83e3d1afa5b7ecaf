package io.github.mpr4j.server.callback;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackRegistries;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.server.AllowedOrigins;
import io.github.mpr4j.server.CallbackConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A gateway for handler tests over real parts that never wait: the in-memory queue and registry, with the
 * registry calls run on the caller's thread, so that every step of a request happens on the test's
 * thread and the embedded channel's event loop. Its timers are not started.
 */
final class TestGateway implements AutoCloseable {
  static final String KEY = "backend-key-1";
  static final String ORIGIN = "https://app.example";

  final PickupQueue queue;
  final CallbackRegistry registry = CallbackRegistries.inMemory();
  final CallbackConfig config;
  final GatewayCore core;

  /** Bodies up to 100 bytes, two pending notifications per browser, two registrations per minute. */
  TestGateway(List<String> keys) {
    this(keys, LiveSessions.local());
  }

  /** The same, over the given live sessions (a gated one, to hold a socket's session back). */
  TestGateway(List<String> keys, LiveSessions liveSessions) {
    queue = PickupQueue.builder().liveSessions(liveSessions).build();
    CallbackConfig d = CallbackConfig.defaults();
    config = new CallbackConfig(keys, d.notificationTtl(), d.idleExpiry(), 100, 2, 2, "https://gw.example",
        new AllowedOrigins(Set.of(ORIGIN)), null, Duration.ZERO, null);
    core = new GatewayCore(CallbackQueue.over(queue, registry), config, Clock.systemUTC(), CallbackMetrics.NONE, null,
        Runnable::run);
  }

  /** A registered clientId, as a browser's first socket would make. */
  String register() {
    return core.register(null).join();
  }

  /** Pending notifications of a client. */
  int pending(String clientId) {
    try (MessagePickupRepository r = queue.openRepository()) {
      return r.getAvailableMessageCount(new GetAvailableMessageCountOptions(GatewayCore.connectionId(clientId), null))
          .join();
    }
  }

  /** A holder with a live session on the client's queue (a browser socket, seen from the queue). */
  MessagePickupRepository liveHolder(String clientId) {
    MessagePickupRepository holder = queue.openRepository();
    holder.addLiveSession(new AddLiveSessionOptions(GatewayCore.connectionId(clientId), UUID.randomUUID().toString()))
        .join();
    return holder;
  }

  /** Stores a notification as a POST would. */
  String post(String clientId, String body) {
    return core.post(clientId, GatewayCore.payloadOf(body.getBytes(StandardCharsets.UTF_8))).join().messageId();
  }

  @Override
  public void close() {
    core.close();
    queue.close();
  }
}
