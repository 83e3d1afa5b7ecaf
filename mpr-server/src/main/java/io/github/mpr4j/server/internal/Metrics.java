package io.github.mpr4j.server.internal;

import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import io.github.mpr4j.push.PushStats;
import io.github.mpr4j.server.callback.CallbackMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The server's metrics: a Micrometer {@link PrometheusMeterRegistry} with the server's own meters (names as
 * documented in docs/operations.md), the JVM's, the process's and Netty's standard ones (under their usual
 * names: {@code jvm_*}, {@code process_*}, {@code system_*}, {@code netty_*}), scraped in the Prometheus text
 * format. The push counters come from mpr-push's own snapshot, rendered beside them ({@link PushMetrics}).
 * Every recording method is thread-safe and lock-free once its meter exists.
 */
final class Metrics implements CallbackMetrics, AutoCloseable {
  /** Upper bounds of the request duration histogram. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger callbackSockets = new AtomicInteger();
  private final Counter slowSocketsClosed;
  private final Counter messagesAdded;
  private final Counter deliveredLive;
  private final Counter callbackRegistered;
  private final Counter callbackPostedLive;
  private final Counter callbackPostedPending;
  private volatile Supplier<PushStats> push;

  Metrics() {
    MeterRegistry r = registry;
    Gauge.builder("mpr.websocket.connections", connections, AtomicInteger::get)
        .description("Open WebSocket connections.").register(r);
    slowSocketsClosed = Counter.builder("mpr.websocket.slow.closed")
        .description("WebSocket connections closed with 1008 for not reading what they were sent.").register(r);
    messagesAdded = Counter.builder("mpr.messages.added").description("Messages stored by addMessage.").register(r);
    deliveredLive = Counter.builder("mpr.messages.delivered.live")
        .description("Messages sent to a live session as messagesReceived notifications.").register(r);
    Gauge.builder("mpr.callback.sockets", callbackSockets, AtomicInteger::get)
        .description("Open browser sockets of the callback gateway.").register(r);
    callbackRegistered = Counter.builder("mpr.callback.registrations")
        .description("Callback clientIds registered on this instance.").register(r);
    callbackPostedLive = Counter.builder("mpr.callback.notifications").tag("delivered", "live")
        .description("Notifications accepted with 202, by delivery.").register(r);
    callbackPostedPending = Counter.builder("mpr.callback.notifications").tag("delivered", "pending")
        .description("Notifications accepted with 202, by delivery.").register(r);
    // the names of the first release, kept beside the standard jvm_memory_* and process_uptime_seconds
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Gauge.builder("mpr.jvm.memory.heap.used", memory, m -> m.getHeapMemoryUsage().getUsed()).baseUnit("bytes")
        .description("Used JVM heap.").register(r);
    Gauge.builder("mpr.jvm.memory.heap.max", memory, m -> m.getHeapMemoryUsage().getMax()).baseUnit("bytes")
        .description("Maximum JVM heap (-1 when undefined).").register(r);
    TimeGauge.builder("mpr.process.uptime", ManagementFactory.getRuntimeMXBean(), TimeUnit.MILLISECONDS,
        b -> b.getUptime()).description("Time since the JVM started.").register(r);
    // every method's series exist from the start at 0, so that rates and dashboards see them before traffic
    for (RpcMethod m : RpcMethod.values()) {
      request(m.wireName(), "ok");
      duration(m.wireName());
    }
    new JvmMemoryMetrics().bindTo(r);
    gc.bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(r);
  }

  /** Adds Netty's event loop meters (workers, pending tasks per loop) of the server's I/O group. */
  void eventLoops(EventLoopGroup group) {
    new NettyEventExecutorMetrics(group).bindTo(registry);
  }

  /** Records one answered (or, for notifications, executed) request. */
  void request(String method, String outcome, long durationNanos) {
    request(method, outcome).increment();
    duration(method).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  private Counter request(String method, String outcome) {
    return requests.computeIfAbsent(method + '\u0000' + outcome, k -> Counter.builder("mpr.rpc.requests")
        .description("JSON-RPC requests by method and outcome.").tag("method", method).tag("outcome", outcome)
        .register(registry));
  }

  private Timer duration(String method) {
    return durations.computeIfAbsent(method, k -> Timer.builder("mpr.rpc.request.duration")
        .description("Time from a request's arrival to its answer.").tag("method", method)
        .serviceLevelObjectives(BUCKETS).register(registry));
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void slowSocketClosed() {
    slowSocketsClosed.increment();
  }

  void messageAdded() {
    messagesAdded.increment();
  }

  void deliveredLive(int messages) {
    deliveredLive.increment(messages);
  }

  @Override
  public void callbackSocketOpened() {
    callbackSockets.incrementAndGet();
  }

  @Override
  public void callbackSocketClosed() {
    callbackSockets.decrementAndGet();
  }

  @Override
  public void callbackRegistered() {
    callbackRegistered.increment();
  }

  @Override
  public void callbackPosted(boolean live) {
    (live ? callbackPostedLive : callbackPostedPending).increment();
  }

  /** Where the push counters come from (none until set). */
  void push(Supplier<PushStats> push) {
    this.push = push;
  }

  int connections() {
    return connections.get();
  }

  /** The metrics in the Prometheus text exposition format 0.0.4. */
  String render() {
    StringBuilder sb = new StringBuilder(registry.scrape());
    Supplier<PushStats> p = push;
    if (p != null) {
      PushMetrics.render(sb, p.get());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
