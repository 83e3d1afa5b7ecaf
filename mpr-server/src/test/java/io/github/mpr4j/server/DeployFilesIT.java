package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operators' kit against the server it deploys: every Kubernetes manifest parses and probes paths the
 * server answers on the port it listens on, the compose files parse and use only the README's variables, and
 * every metric the Grafana dashboard and the Prometheus alerts name is one the server's /metrics exports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeployFilesIT {
  private static final Path ROOT = Path.of("..");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void everyKubernetesProbeAsksForAPathTheServerAnswersOnThePortItListensOn() throws Exception {
    List<JsonNode> docs = yamlDocuments(ROOT.resolve("deploy/kubernetes"));
    Map<String, String> config = new HashMap<>();
    for (JsonNode d : docs) {
      if (d.path("kind").asText().equals("ConfigMap")) {
        d.path("data").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      }
    }
    ServerConfig expected = ServerConfig.fromEnvironment(config);
    Set<String> kinds = new TreeSet<>();
    int probes = 0;
    for (JsonNode d : docs) {
      kinds.add(d.path("kind").asText());
      JsonNode spec = d.path("spec").path("template").path("spec");
      for (JsonNode c : spec.path("containers")) {
        Map<String, Integer> ports = new HashMap<>();
        for (JsonNode p : c.path("ports")) {
          ports.put(p.path("name").asText(), p.path("containerPort").asInt());
        }
        assertEquals(expected.wsPort(), ports.get("ws"), "the ws port of " + name(d));
        assertEquals(expected.appPort(), ports.get("http"), "the http port of " + name(d));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          JsonNode get = c.path(probe).path("httpGet");
          assertFalse(get.isMissingNode(), probe + " of " + name(d));
          JsonNode port = get.path("port");
          int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
          assertEquals(expected.appPort(), number, probe + " of " + name(d) + " must use APP_PORT");
          String path = get.path("path").asText();
          assertEquals(probe.equals("readinessProbe") ? "/ready" : "/health", path, probe + " of " + name(d));
          assertEquals(200, get(path).statusCode(), path);
          probes++;
        }
      }
      if (d.path("kind").asText().equals("Service")) {
        for (JsonNode p : d.path("spec").path("ports")) {
          assertTrue(Set.of("ws", "http").contains(p.path("targetPort").asText()), "a target port of " + name(d));
        }
      }
    }
    assertTrue(kinds.containsAll(Set.of("ConfigMap", "Deployment", "StatefulSet", "Service", "PodDisruptionBudget")),
        String.valueOf(kinds));
    assertEquals(6, probes, "three probes in each of the Deployment and the StatefulSet");
  }

  @Test
  void theComposeFilesParseAndSetOnlyVariablesTheServerReads() throws Exception {
    Set<String> known = readmeVariables();
    for (String file : List.of("docker-compose.yml", "docker-compose.cluster.yml")) {
      JsonNode compose = yaml(ROOT.resolve(file));
      int servers = 0;
      for (var it = compose.path("services").fields(); it.hasNext(); ) {
        var service = it.next();
        JsonNode env = service.getValue().path("environment");
        if (!service.getValue().path("image").asText().contains("mpr-server")) {
          continue;
        }
        servers++;
        env.fieldNames().forEachRemaining(v -> assertTrue(known.contains(v), file + ": " + service.getKey() + " sets "
            + v + ", which is not in the README's configuration table"));
        assertEquals("/health", healthPath(service.getValue().path("healthcheck").path("test")), file);
        assertFalse(service.getValue().path("restart").isMissingNode(), file + ": restart policy of " + service.getKey());
      }
      assertEquals(2, servers, file + ": two MPR instances");
    }
  }

  @Test
  void everyMetricOfTheDashboardAndTheAlertsIsExportedByTheServer() throws Exception {
    Set<String> exported = exportedMetrics();
    JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/mpr-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    YAML.readTree(ROOT.resolve("deploy/prometheus/alerts.yml").toFile()).findValues("expr")
        .forEach(e -> exprs.add(e.asText()));
    assertTrue(exprs.size() > 10, String.valueOf(exprs));
    Set<String> named = new TreeSet<>();
    Matcher m = Pattern.compile("\\bmpr_[a-z0-9_]+").matcher(String.join("\n", exprs));
    while (m.find()) {
      named.add(m.group());
    }
    Set<String> missing = new TreeSet<>(named);
    missing.removeAll(exported);
    assertTrue(missing.isEmpty(), "named but not exported: " + missing + "; exported: " + exported);
    for (String topic : List.of("mpr_rpc_requests_total", "mpr_rpc_request_duration_seconds_bucket",
        "mpr_messages_delivered_live_total", "mpr_push_failed_total", "mpr_callback_sockets")) {
      assertTrue(named.contains(topic), "the dashboard and alerts use " + topic);
    }
  }

  /** The metric names of /metrics: each TYPE line's name, with a histogram's _bucket, _sum and _count. */
  private static Set<String> exportedMetrics() throws Exception {
    Set<String> names = new HashSet<>();
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        names.add(p[2]);
        if (p[3].equals("histogram")) {
          names.addAll(List.of(p[2] + "_bucket", p[2] + "_sum", p[2] + "_count"));
        }
      }
    }
    return names;
  }

  private static Set<String> readmeVariables() throws Exception {
    Set<String> vars = new HashSet<>();
    Matcher m = Pattern.compile("^\\| `([A-Z_]+)` \\|", Pattern.MULTILINE).matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      vars.add(m.group(1));
    }
    assertTrue(vars.contains("WS_PORT") && vars.contains("MPR_LOG_FORMAT"), String.valueOf(vars));
    return vars;
  }

  /** A YAML file as a tree, with anchors, aliases and merge keys ({@code <<: *anchor}) applied as compose does. */
  private static JsonNode yaml(Path file) throws Exception {
    return new ObjectMapper().valueToTree(new org.yaml.snakeyaml.Yaml().load(Files.readString(file)));
  }

  private static String healthPath(JsonNode test) {
    Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:3500(/[a-z]+)").matcher(test.toString());
    return m.find() ? m.group(1) : test.toString();
  }

  private static List<JsonNode> yamlDocuments(Path dir) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no manifests in " + dir);
    for (Path f : files) {
      try (var parser = new YAMLFactory().createParser(f.toFile())) {
        YAML.readValues(parser, JsonNode.class).readAll().stream().filter(d -> !d.isNull()).forEach(d -> {
          assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), f + ": a document without apiVersion/kind");
          docs.add(d);
        });
      }
    }
    return docs;
  }

  private static String name(JsonNode d) {
    return d.path("kind").asText() + " " + d.path("metadata").path("name").asText();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
