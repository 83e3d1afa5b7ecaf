package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.core.redis.RedisServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An instance that holds a live session is stopped (SIGSTOP: a long GC pause, a frozen VM) while messages
 * are added through another instance, and resumed (SIGCONT). The events published to it meanwhile wait in
 * its pub/sub buffer; delivery is fenced, so none of them reaches the mediator that lost the session, and a
 * session the stopped instance puts back gets what was added while its heartbeat had lapsed. Instance A is
 * a child JVM, instance B runs in the test; both on a single Redis node and on the 3-master cluster.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StalledHolderIT {
  private static final String CONN = "stalled-conn";
  private static final int BEFORE_STOP = 20;
  private static final int DURING_STOP = 60;
  private static final int AFTER_TAKEOVER = 20;
  private static final Duration SETTLE = Duration.ofSeconds(3);

  enum Redis { SINGLE, CLUSTER }

  @TempDir
  Path dir;

  private static Map<String, String> redis(Redis redis, long ttlMillis) {
    Map<String, String> env = new HashMap<>();
    if (redis == Redis.SINGLE) {
      env.put("REDIS_URL", RedisServers.single().uri().toString());
    } else {
      env.put("REDIS_TYPE", "cluster");
      env.put("REDIS_NODES", String.join(",", RedisServers.cluster().nodes()));
    }
    env.put("MPR_STORE", "redis");
    env.put("MPR_INSTANCE_TTL_MS", String.valueOf(ttlMillis));
    return env;
  }

  /** Starts instance A, a child JVM on the same Redis, listening on {@code wsPort}. */
  private Process startChild(Map<String, String> redisEnv, int wsPort) throws Exception {
    Map<String, String> env = new HashMap<>(redisEnv);
    env.put("WS_PORT", String.valueOf(wsPort));
    env.put("APP_PORT", String.valueOf(ChildServer.freePort()));
    return ChildServer.start(env, dir.resolve("a.log"));
  }

  @ParameterizedTest(name = "{0} Redis, stopped {1} ms, MPR_INSTANCE_TTL_MS {2}")
  @CsvSource({"SINGLE, 3000, 10000", "SINGLE, 5000, 2000", "CLUSTER, 3000, 10000", "CLUSTER, 5000, 2000"})
  void a_stopped_holder_delivers_nothing_for_the_session_taken_over_meanwhile_and_nothing_is_lost(Redis redis,
      long stopMillis, long ttlMillis) throws Exception {
    Map<String, String> env = redis(redis, ttlMillis);
    int wsPort = ChildServer.freePort();
    Process a = startChild(env, wsPort);
    try (MprServer b = TestServers.start(env);
         WsTestClient m1 = ChildServer.connectWhenUp(a, wsPort, dir.resolve("a.log"));
         WsTestClient sender = WsTestClient.connect(b.wsPort());
         WsTestClient m2 = WsTestClient.connect(b.wsPort())) {
      Set<String> answered = new LinkedHashSet<>();
      Set<String> toM1 = new LinkedHashSet<>();
      Set<String> toM2 = new LinkedHashSet<>();
      addLiveSession(m1, "s1");
      for (int i = 0; i < BEFORE_STOP; i++) {
        answered.add(addMessage(sender, CONN, "did:example:r", "before " + i));
      }
      awaitDelivered(m1, answered, toM1);

      ChildServer.signal(a, "STOP");
      long stopped = System.nanoTime();
      Set<String> handedToA = new LinkedHashSet<>();
      long spacing = stopMillis / 2 / DURING_STOP;
      for (int i = 0; i < DURING_STOP; i++) {
        handedToA.add(addMessage(sender, CONN, "did:example:r", "during " + i));
        Thread.sleep(spacing);
      }
      answered.addAll(handedToA);
      // M2 takes the session over on B, takes and removes what is pending, and gets the next ones live
      addLiveSession(m2, "s2");
      List<String> taken = ids(m2.result("takeFromQueue", take(CONN)));
      toM2.addAll(taken);
      remove(m2, taken);
      Set<String> afterTakeover = new LinkedHashSet<>();
      for (int i = 0; i < AFTER_TAKEOVER; i++) {
        afterTakeover.add(addMessage(sender, CONN, "did:example:r", "after " + i));
      }
      answered.addAll(afterTakeover);
      awaitDelivered(m2, afterTakeover, toM2);
      long left = stopMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
      if (left > 0) {
        Thread.sleep(left);
      }

      ChildServer.signal(a, "CONT");
      Set<String> toM1AfterLosingIt = collect(m1, SETTLE);
      toM1.addAll(toM1AfterLosingIt);
      toM2.addAll(collect(m2, Duration.ofMillis(500)));
      List<String> drained = ids(m2.result("takeFromQueue", take(CONN, "deleteMessages", true)));

      Set<String> both = new TreeSet<>(toM1);
      both.retainAll(toM2);
      Set<String> lost = new LinkedHashSet<>(answered);
      lost.removeAll(toM1);
      lost.removeAll(toM2);
      lost.removeAll(drained);
      System.out.printf("StalledHolderIT %s stop=%d ms ttl=%d ms: %d answered, %d to M1 after it lost the session,"
          + " %d delivered to both holders, %d lost%n", redis, stopMillis, ttlMillis, answered.size(),
          toM1AfterLosingIt.size(), both.size(), lost.size());
      assertEquals(Set.of(), toM1AfterLosingIt, "messages that reached M1 after M2 had taken its session");
      assertEquals(Set.of(), both, "messages delivered to both holders");
      assertEquals(Set.of(), lost, "answered messages that no holder received and the queue does not hold");
      Set<String> notBackForM2 = new LinkedHashSet<>(handedToA);
      notBackForM2.removeAll(toM2);
      notBackForM2.removeAll(drained);
      assertEquals(Set.of(), notBackForM2, "messages handed to the stopped holder that did not come back for M2");
    } finally {
      ChildServer.signal(a, "CONT");
      a.destroyForcibly();
      a.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0} Redis")
  @EnumSource(Redis.class)
  void a_holder_stopped_past_its_heartbeat_gets_the_messages_added_meanwhile_when_it_resumes(Redis redis)
      throws Exception {
    Map<String, String> env = redis(redis, 2_000);
    int wsPort = ChildServer.freePort();
    Process a = startChild(env, wsPort);
    try (MprServer b = TestServers.start(env);
         WsTestClient m1 = ChildServer.connectWhenUp(a, wsPort, dir.resolve("a.log"));
         WsTestClient sender = WsTestClient.connect(b.wsPort())) {
      addLiveSession(m1, "s1");
      ChildServer.signal(a, "STOP");
      Set<String> answered = new LinkedHashSet<>();
      for (int i = 0; i < DURING_STOP; i++) {
        answered.add(addMessage(sender, CONN, "did:example:r", "during " + i));
        Thread.sleep(5_000 / DURING_STOP);
      }

      ChildServer.signal(a, "CONT");
      Set<String> toM1 = new LinkedHashSet<>();
      awaitDelivered(m1, answered, toM1);
      assertEquals(0, Wire.count(sender, CONN), "messages still pending after the session was put back");
    } finally {
      ChildServer.signal(a, "CONT");
      a.destroyForcibly();
      a.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void addLiveSession(WsTestClient c, String sessionId) {
    assertTrue(c.result("addLiveSession", Map.of("connectionId", CONN, "sessionId", sessionId)).booleanValue());
  }

  private static void remove(WsTestClient c, List<String> ids) {
    if (!ids.isEmpty()) {
      c.result("removeMessages", Map.of("connectionId", CONN, "messageIds", ids));
    }
  }

  /**
   * Waits (at most 15 s) until a mediator has received every one of {@code expected} live, removing what it
   * receives as a mediator does, and adds what it received to {@code into}.
   */
  private static void awaitDelivered(WsTestClient c, Set<String> expected, Set<String> into) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    Set<String> missing = new LinkedHashSet<>(expected);
    missing.removeAll(into);
    while (!missing.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail(missing.size() + " of " + expected.size() + " messages did not arrive live within 15 s");
      }
      List<String> got = received(c.notificationWithin(Duration.ofNanos(left)));
      remove(c, got);
      into.addAll(got);
      missing.removeAll(got);
    }
  }

  /** What a mediator receives live within {@code window}, removing it as it comes. */
  private static Set<String> collect(WsTestClient c, Duration window) {
    Set<String> got = new LinkedHashSet<>();
    long deadline = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      List<String> ids = received(c.notificationWithin(Duration.ofNanos(left)));
      remove(c, ids);
      got.addAll(ids);
    }
    return got;
  }

  private static List<String> received(JsonNode notification) {
    if (notification == null || !"messagesReceived".equals(notification.path("method").asText())) {
      return new ArrayList<>();
    }
    return ids(notification.get("params").get("messages"));
  }
}
