package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MetricsTest {

  @Test
  void the_histogram_buckets_are_cumulative_with_sum_and_count() {
    Metrics m = new Metrics();
    m.request("ping", "ok", 200_000); // 0.2 ms
    m.request("ping", "ok", 3_000_000); // 3 ms
    m.request("ping", "ok", 20_000_000_000L); // 20 s: only +Inf
    String text = m.render();
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_bucket{method=\"ping\",le=\"0.0005\"} 1\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_bucket{method=\"ping\",le=\"0.0025\"} 1\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_bucket{method=\"ping\",le=\"0.005\"} 2\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_bucket{method=\"ping\",le=\"10.0\"} 2\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_bucket{method=\"ping\",le=\"+Inf\"} 3\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_count{method=\"ping\"} 3\n"), text);
    assertTrue(text.contains("mpr_rpc_request_duration_seconds_sum{method=\"ping\"} 20.003200\n"), text);
    assertTrue(text.contains("mpr_rpc_requests_total{method=\"ping\",outcome=\"ok\"} 3\n"), text);
  }

  @Test
  void label_values_are_escaped() {
    Metrics m = new Metrics();
    m.request("a\"b\\c", "ok", 1);
    assertTrue(m.render().contains("method=\"a\\\"b\\\\c\""), m.render());
  }
}
