package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mpr_*} meters a real server exposes on {@code /metrics} are those that docs/operations.md and
 * docs/push.md document, each with its documented type: none missing, none undocumented.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MetricsMatchTheDocumentationIT {
  private static final Path DOCS = Path.of("..", "docs");
  /** A row of a metrics table: its first cell's metric names, the type cell, and what it says. */
  private static final Pattern ROW = Pattern.compile("(?m)^\\| (`mpr_[^|]*)\\| ([a-z, ]+) \\|(.*)$");
  private static final Pattern NAME = Pattern.compile("`(mpr_[a-z0-9_]+)");
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (mpr_[a-zA-Z0-9_]+) ([a-z]+)$");

  @TempDir
  Path dir;

  @Test
  void every_scraped_mpr_meter_is_documented_with_its_type_and_every_documented_one_is_scraped() throws Exception {
    Map<String, String> documented = new TreeMap<>();
    documented.putAll(documentedTypes(DOCS.resolve("operations.md")));
    documented.putAll(documentedTypes(DOCS.resolve("push.md")));
    assertFalse(documented.isEmpty(), "no metrics table found in docs/");

    // Push providers configured (with files that cannot be read, so nothing leaves the machine) and the
    // callback gateway on, so that their meters are registered as in production.
    try (MprServer server = TestServers.start(Map.of(
        "FIREBASE_CFG_FILE", Files.writeString(dir.resolve("firebase.json"), "not json").toString(),
        "APNS_CFG_FILE", dir.resolve("absent-apns.json").toString(),
        "APNS_PATH_KEY", dir.resolve("absent.p8").toString(),
        "APNS_TOPIC", "org.example.app"));
         WsTestClient c = WsTestClient.connect(server.wsPort())) {
      c.result("addMessage", Map.of("connectionId", "metrics-doc", "recipientDids", List.of("did:key:r"),
          "payload", Map.of("ciphertext", "x"), "pushNotificationToken", Map.of("type", "fcm", "token", "abcd")));
      String body = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();

      Map<String, String> scraped = new TreeMap<>();
      Matcher m = TYPE.matcher(body);
      while (m.find()) {
        scraped.put(documentedName(m.group(1), m.group(2)), m.group(2));
      }
      assertEquals(documented, scraped, "docs/operations.md and docs/push.md against /metrics:\n" + body);
    }
  }

  /** Metric name to type ({@code counter}, {@code gauge}, {@code histogram}) from a file's metrics tables. */
  private static Map<String, String> documentedTypes(Path file) throws Exception {
    Map<String, String> out = new TreeMap<>();
    Matcher row = ROW.matcher(Files.readString(file));
    while (row.find()) {
      List<String> types = List.of(row.group(2).trim().split(",\\s*"));
      Matcher name = NAME.matcher(row.group(1));
      for (int i = 0; name.find(); i++) {
        // "gauge, counter" types the names of a row in order; the last type holds for the rest.
        String type = types.get(Math.min(i, types.size() - 1));
        out.put(name.group(1), type);
        if (type.equals("histogram") && row.group(3).contains("with `_max`")) {
          out.put(name.group(1) + "_max", "gauge");
        }
      }
    }
    return out;
  }

  /**
   * The name a family is documented under: Prometheus' TYPE line names a counter without {@code _total}
   * in some writers and with it in others; the docs name counters with it.
   */
  private static String documentedName(String family, String type) {
    return type.equals("counter") && !family.endsWith("_total") ? family + "_total" : family;
  }
}
