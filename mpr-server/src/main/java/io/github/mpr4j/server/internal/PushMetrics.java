package io.github.mpr4j.server.internal;

import io.github.mpr4j.push.PushStats;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the push counters in the Prometheus text format, one series per provider (and reason). */
final class PushMetrics {
  private PushMetrics() {}

  static void render(StringBuilder sb, PushStats stats) {
    Map<String, PushStats.Provider> providers = stats.providers();
    header(sb, "mpr_push_enabled", "gauge", "Whether the push provider is configured and open (1) or off (0).");
    providers.values().forEach(p -> series(sb, "mpr_push_enabled", p.name(), null, null, p.enabled() ? 1 : 0));
    header(sb, "mpr_push_sent_total", "counter", "Push notifications the provider accepted.");
    providers.values().forEach(p -> series(sb, "mpr_push_sent_total", p.name(), null, null, p.sent()));
    header(sb, "mpr_push_failed_total", "counter",
        "Push notifications given up on, by reason (unregistered, invalid_token, rejected, unavailable).");
    providers.values().forEach(p -> p.failed().forEach((r, n) -> series(sb, "mpr_push_failed_total", p.name(),
        "reason", r, n)));
    header(sb, "mpr_push_deduplicated_total", "counter",
        "Push notifications not sent because one for the same token was sent within the window.");
    providers.values().forEach(p -> series(sb, "mpr_push_deduplicated_total", p.name(), null, null, p.deduplicated()));
    header(sb, "mpr_push_dropped_total", "counter",
        "Push notifications not sent, by reason (queue_full, provider_off, shutdown); the messages are kept.");
    providers.values().forEach(p -> p.dropped().forEach((r, n) -> series(sb, "mpr_push_dropped_total", p.name(),
        "reason", r, n)));
    header(sb, "mpr_push_skipped_live_total", "counter",
        "Push notifications not sent because a live session existed at send time.");
    providers.values().forEach(p -> series(sb, "mpr_push_skipped_live_total", p.name(), null, null, p.skippedLive()));
    header(sb, "mpr_push_retries_total", "counter", "Push attempts repeated after a transient failure.");
    providers.values().forEach(p -> series(sb, "mpr_push_retries_total", p.name(), null, null, p.retries()));
    header(sb, "mpr_push_queued", "gauge", "Push notifications waiting in the provider's queue.");
    providers.values().forEach(p -> series(sb, "mpr_push_queued", p.name(), null, null, p.queued()));
    header(sb, "mpr_push_latency_seconds", "histogram",
        "Time from a push being queued to the provider's acceptance, of sent notifications.");
    List<Double> bounds = PushStats.LATENCY_BUCKETS_SECONDS;
    for (PushStats.Provider p : providers.values()) {
      long[] counts = p.latency().bucketCounts();
      long cumulative = 0;
      for (int i = 0; i < bounds.size(); i++) {
        cumulative += counts[i];
        sb.append("mpr_push_latency_seconds_bucket{provider=\"").append(p.name()).append("\",le=\"")
            .append(bounds.get(i)).append("\"} ").append(cumulative).append('\n');
      }
      long total = Math.max(p.latency().count(), cumulative);
      sb.append("mpr_push_latency_seconds_bucket{provider=\"").append(p.name()).append("\",le=\"+Inf\"} ")
          .append(total).append('\n');
      sb.append("mpr_push_latency_seconds_sum{provider=\"").append(p.name()).append("\"} ")
          .append(String.format(Locale.ROOT, "%.6f", p.latency().sumSeconds())).append('\n');
      sb.append("mpr_push_latency_seconds_count{provider=\"").append(p.name()).append("\"} ").append(total)
          .append('\n');
    }
  }

  private static void series(StringBuilder sb, String name, String provider, String label, String value, long n) {
    sb.append(name).append("{provider=\"").append(provider).append('"');
    if (label != null) {
      sb.append(',').append(label).append("=\"").append(value).append('"');
    }
    sb.append("} ").append(n).append('\n');
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
