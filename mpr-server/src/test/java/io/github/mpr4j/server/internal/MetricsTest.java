package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MetricsTest {
  private static final Pattern BUCKET =
      Pattern.compile("(?m)^mpr_rpc_request_duration_seconds_bucket\\{method=\"ping\",le=\"([^\"]+)\"} (\\S+)$");

  /** The value of one series, as a number; fails when the text has no such series. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), "no " + series + " in\n" + text);
    return Double.parseDouble(m.group(1));
  }

  /** The cumulative count of the ping histogram's bucket whose upper bound is {@code le} (+Inf: infinity). */
  private static double bucket(String text, double le) {
    Matcher m = BUCKET.matcher(text);
    while (m.find()) {
      if (Double.parseDouble(m.group(1).replace("+Inf", "Infinity")) == le) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no bucket le=" + le + " in\n" + text);
  }

  @Test
  void the_histogram_buckets_are_cumulative_with_sum_and_count() {
    Metrics m = new Metrics();
    m.request("ping", "ok", 200_000); // 0.2 ms
    m.request("ping", "ok", 3_000_000); // 3 ms
    m.request("ping", "ok", 20_000_000_000L); // 20 s: only +Inf
    String text = m.render();
    assertEquals(1, bucket(text, 0.0005));
    assertEquals(1, bucket(text, 0.0025));
    assertEquals(2, bucket(text, 0.005));
    assertEquals(2, bucket(text, 10.0));
    assertEquals(3, bucket(text, Double.POSITIVE_INFINITY));
    assertEquals(3, value(text, "mpr_rpc_request_duration_seconds_count{method=\"ping\"}"));
    assertEquals(20.0032, value(text, "mpr_rpc_request_duration_seconds_sum{method=\"ping\"}"), 1e-9);
    assertEquals(3, value(text, "mpr_rpc_requests_total{method=\"ping\",outcome=\"ok\"}"));
    m.close();
  }

  @Test
  void label_values_are_escaped() {
    Metrics m = new Metrics();
    m.request("a\"b\\c", "ok", 1);
    assertTrue(m.render().contains("method=\"a\\\"b\\\\c\""), m.render());
    m.close();
  }

  @Test
  void the_jvm_and_netty_standard_meters_are_there_under_their_usual_names_beside_ours() {
    Metrics m = new Metrics();
    m.messageAdded();
    String text = m.render();
    for (String name : new String[] {"jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes", "jvm_threads_live_threads",
        "process_cpu_usage", "process_uptime_seconds", "netty_allocator_memory_used", "mpr_jvm_memory_heap_used_bytes",
        "mpr_process_uptime_seconds", "mpr_websocket_connections"}) {
      assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(text).find() || text.contains("# TYPE " + name + " "),
          name + " missing in\n" + text);
    }
    assertEquals(1, value(text, "mpr_messages_added_total"));
    m.close();
  }
}
