package io.github.mpr4j.server.internal;

import io.github.mpr4j.push.PushStats;
import io.github.mpr4j.server.callback.CallbackMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The server's metrics, hand-written (no metrics library), rendered in the Prometheus text format 0.0.4.
 * Every method is thread-safe and lock-free on the recording side.
 */
final class Metrics implements CallbackMetrics {
  /** Upper bounds of the request duration histogram, in seconds. */
  private static final String[] BUCKET_LABELS = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0"
  };
  private static final double[] BUCKETS = Arrays.stream(BUCKET_LABELS).mapToDouble(Double::parseDouble).toArray();

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder messagesAdded = new LongAdder();
  private final LongAdder deliveredLive = new LongAdder();
  private final AtomicInteger callbackSockets = new AtomicInteger();
  private final LongAdder callbackRegistered = new LongAdder();
  private final LongAdder callbackPostedLive = new LongAdder();
  private final LongAdder callbackPostedPending = new LongAdder();
  private volatile Supplier<PushStats> push;

  /** Records one answered (or, for notifications, executed) request. */
  void request(String method, String outcome, long durationNanos) {
    requests.computeIfAbsent(method + '\u0000' + outcome, k -> new LongAdder()).increment();
    durations.computeIfAbsent(method, k -> new Histogram()).observe(durationNanos);
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void messageAdded() {
    messagesAdded.increment();
  }

  void deliveredLive(int messages) {
    deliveredLive.add(messages);
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
    StringBuilder sb = new StringBuilder(4096);
    header(sb, "mpr_rpc_requests_total", "counter", "JSON-RPC requests by method and outcome.");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      String[] k = e.getKey().split("\u0000", 2);
      sb.append("mpr_rpc_requests_total{method=\"").append(escape(k[0])).append("\",outcome=\"").append(escape(k[1]))
          .append("\"} ").append(e.getValue().sum()).append('\n');
    }
    header(sb, "mpr_rpc_request_duration_seconds", "histogram", "Time from a request's arrival to its answer.");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(durations).entrySet()) {
      e.getValue().render(sb, escape(e.getKey()));
    }
    gauge(sb, "mpr_websocket_connections", "Open WebSocket connections.", connections.get());
    header(sb, "mpr_messages_added_total", "counter", "Messages stored by addMessage.");
    sb.append("mpr_messages_added_total ").append(messagesAdded.sum()).append('\n');
    header(sb, "mpr_messages_delivered_live_total", "counter",
        "Messages sent to a live session as messagesReceived notifications.");
    sb.append("mpr_messages_delivered_live_total ").append(deliveredLive.sum()).append('\n');
    gauge(sb, "mpr_callback_sockets", "Open browser sockets of the callback gateway.", callbackSockets.get());
    header(sb, "mpr_callback_registrations_total", "counter", "Callback clientIds registered on this instance.");
    sb.append("mpr_callback_registrations_total ").append(callbackRegistered.sum()).append('\n');
    header(sb, "mpr_callback_notifications_total", "counter", "Notifications accepted with 202, by delivery.");
    sb.append("mpr_callback_notifications_total{delivered=\"live\"} ").append(callbackPostedLive.sum()).append('\n');
    sb.append("mpr_callback_notifications_total{delivered=\"pending\"} ").append(callbackPostedPending.sum())
        .append('\n');
    Supplier<PushStats> p = push;
    if (p != null) {
      PushMetrics.render(sb, p.get());
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(sb, "mpr_jvm_memory_heap_used_bytes", "Used JVM heap.", heap.getUsed());
    gauge(sb, "mpr_jvm_memory_heap_max_bytes", "Maximum JVM heap (-1 when undefined).", heap.getMax());
    header(sb, "mpr_process_uptime_seconds", "gauge", "Time since the JVM started.");
    sb.append("mpr_process_uptime_seconds ").append(seconds(ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L))
        .append('\n');
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, long value) {
    header(sb, name, "gauge", help);
    sb.append(name).append(' ').append(value).append('\n');
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
  }

  /** A cumulative histogram with fixed buckets. */
  private static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(long nanos) {
      double s = nanos / 1e9;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (s <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sumNanos.add(nanos);
    }

    void render(StringBuilder sb, String method) {
      long total = count.sum();
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i].sum();
        sb.append("mpr_rpc_request_duration_seconds_bucket{method=\"").append(method).append("\",le=\"")
            .append(BUCKET_LABELS[i]).append("\"} ").append(Math.min(cumulative, total)).append('\n');
      }
      sb.append("mpr_rpc_request_duration_seconds_bucket{method=\"").append(method).append("\",le=\"+Inf\"} ")
          .append(Math.max(total, cumulative)).append('\n');
      sb.append("mpr_rpc_request_duration_seconds_sum{method=\"").append(method).append("\"} ")
          .append(seconds(sumNanos.sum())).append('\n');
      sb.append("mpr_rpc_request_duration_seconds_count{method=\"").append(method).append("\"} ")
          .append(Math.max(total, cumulative)).append('\n');
    }
  }
}
