package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/** Each repository operation is one Redis command (one round trip), counted by Redis itself. */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisRoundTripsIT {
  private static final java.util.Set<String> CONNECTION_HANDSHAKE = java.util.Set.of("hello", "client");
  private RedisServers.Node node;
  private RedisBackend redis;
  private Backend backend;
  private PickupQueue queue;
  private MessagePickupRepository repository;

  @BeforeEach
  void start() {
    node = RedisServers.single();
    // a long heartbeat period keeps the heartbeat out of the counts
    redis = RedisBackend.connect(RedisSettings.single(node.uri()).withInstanceTtl(Duration.ofMinutes(5)));
    backend = backend(redis);
    queue = PickupQueue.builder().backend(backend).build();
    repository = queue.openRepository();
  }

  /** The backend under test on this Redis connection. */
  Backend backend(RedisBackend redis) {
    return redis;
  }

  MessagePickupRepository repository() {
    return repository;
  }

  @AfterEach
  void stop() {
    queue.close();
  }

  /**
   * The commands clients sent to Redis while {@code action} ran, by name, as MONITOR reports them (commands
   * that scripts run inside Redis are marked "lua" there and left out: they cost no round trip; so is the
   * handshake of a connection the pool happens to open meanwhile, HELLO and CLIENT SETINFO, which no
   * operation pays for itself).
   */
  Map<String, Long> during(Runnable action) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Jedis monitor = node.jedis();
    Thread t = new Thread(() -> {
      try {
        monitor.monitor(new JedisMonitor() {
          @Override
          public void onCommand(String command) {
            lines.add(command);
          }
        });
      } catch (RuntimeException e) {
        // the connection is closed to stop monitoring
      }
    });
    t.setDaemon(true);
    t.start();
    try (Jedis marker = node.jedis()) {
      awaitLine(lines, marker, "begin-marker");
      action.run();
      awaitLine(lines, marker, "end-marker");
    } finally {
      monitor.close();
      t.join(5_000);
    }
    Map<String, Long> calls = new TreeMap<>();
    boolean inside = false;
    for (String line : lines) {
      if (line.contains("begin-marker")) {
        inside = true;
      } else if (line.contains("end-marker")) {
        break;
      } else if (inside && !line.contains(" lua]")) {
        String name = line.replaceFirst("^[^\\]]*\\] \"([^\"]*)\".*$", "$1").toLowerCase(java.util.Locale.ROOT);
        if (!CONNECTION_HANDSHAKE.contains(name)) {
          calls.merge(name, 1L, Long::sum);
        }
      }
    }
    return calls;
  }

  private static void awaitLine(List<String> lines, Jedis marker, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lines.stream().noneMatch(l -> l.contains(text))) {
      marker.echo(text);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("MONITOR did not report " + text);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void an_add_for_an_offline_recipient_is_one_command() throws Exception {
    repository.addMessage(message("c1", "warm-up")).join(); // loads the script

    Map<String, Long> calls = during(() -> {
      for (int i = 0; i < 10; i++) {
        repository.addMessage(message("c1", "m" + i)).join();
      }
    });

    assertEquals(Map.of("evalsha", 10L), calls);
  }

  @Test
  void an_add_for_a_live_session_on_this_instance_is_one_command() throws Exception {
    Inbox inbox = new Inbox();
    repository.addMessage(message("c1", "warm-up")).join(); // loads the script
    repository.addMessagesReceivedListener(inbox);
    repository.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();

    Map<String, Long> calls = during(() -> {
      for (int i = 0; i < 10; i++) {
        repository.addMessage(message("c1", "m" + i)).join();
      }
    });
    for (int i = 0; i < 10; i++) {
      inbox.next();
    }

    assertEquals(Map.of("evalsha", 10L), calls);
  }

  @Test
  void an_add_for_a_live_session_on_another_instance_is_one_command_a_publish_and_one_fence_check_there()
      throws Exception {
    RedisBackend otherRedis = RedisBackend.connect(RedisSettings.single(node.uri()).withInstanceTtl(Duration.ofMinutes(5)));
    try (PickupQueue other = PickupQueue.builder().backend(backend(otherRedis)).build()) {
      MessagePickupRepository holder = other.openRepository();
      Inbox inbox = new Inbox();
      holder.addMessagesReceivedListener(inbox);
      repository.addMessage(message("c1", "warm-up")).join(); // loads the script
      holder.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();

      Map<String, Long> calls = during(() -> {
        try {
          for (int i = 0; i < 10; i++) {
            repository.addMessage(message("c1", "m" + i)).join();
            inbox.next(); // delivered through the fence: a sessionGet on the holder's instance
          }
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });

      // the adding instance checks that the holder's instance is alive at most once a second (cached)
      calls.remove("exists");
      assertEquals(Map.of("evalsha", 20L, "publish", 10L), calls);
    }
  }

  /**
   * A destructive take is one round trip: the take's command, then the one that deletes what it chose, sent
   * after its reply and not waited for (a take whose reply is lost deletes nothing).
   */
  @Test
  void a_take_is_one_command_whatever_it_returns() throws Exception {
    for (int i = 0; i < 50; i++) {
      repository.addMessage(message("c1", "m" + i)).join();
    }
    byte[] records = new RedisKeys(redis.settings().keyPrefix()).connection("c1").get(0);

    Map<String, Long> calls = during(() -> {
      repository.takeFromQueue(TakeFromQueueOptions.builder("c1").limit(50).deleteMessages(true).build()).join();
      try (Jedis probe = node.jedis()) {
        for (int i = 0; i < 500 && probe.exists(records); i++) {
          sleep(10); // the delete follows the reply
        }
      }
    });
    calls.remove("exists");

    assertEquals(Map.of("evalsha", 2L), calls);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void a_callback_notification_is_one_command_whether_refused_pending_or_live() throws Exception {
    CallbackRegistry registry = redis.callbackRegistry();
    // a store that cannot check registrations in the append (the tiered one) checks on a worker instead
    Assumptions.assumeTrue(backend.callbacks().filter(c -> c.registry() == registry).isPresent(),
        "the backend guards appends with this registry");
    String known = "5f0c6a52-7c1b-4d3e-9a0f-2b7e6d1c4a90";
    String unknown = "0d9b7e3a-1f2c-4b5d-8e6f-7a8b9c0d1e2f";
    registry.create(known, System.currentTimeMillis(), System.currentTimeMillis() + 60_000);
    CallbackQueue callbacks = CallbackQueue.over(queue, registry);
    callbacks.addIfRegistered(known, message(CallbackRegistry.connectionId(known), "warm-up"), 1000).join();
    Inbox inbox = new Inbox();
    MessagePickupRepository holder = queue.openRepository();
    holder.addMessagesReceivedListener(inbox);

    Map<String, Long> offline = during(() -> {
      callbacks.addIfRegistered(unknown, message(CallbackRegistry.connectionId(unknown), "n"), 1000).join();
      callbacks.addIfRegistered(known, message(CallbackRegistry.connectionId(known), "n"), 1000).join();
      callbacks.addIfRegistered(known, message(CallbackRegistry.connectionId(known), "n"), 1).join();
    });
    holder.addLiveSession(new AddLiveSessionOptions(CallbackRegistry.connectionId(known), "s1")).join();
    Map<String, Long> live = during(() ->
        callbacks.addIfRegistered(known, message(CallbackRegistry.connectionId(known), "n"), 1000).join());
    inbox.next();

    assertEquals(Map.of("evalsha", 3L), offline);
    assertEquals(Map.of("evalsha", 1L), live);
  }
}
