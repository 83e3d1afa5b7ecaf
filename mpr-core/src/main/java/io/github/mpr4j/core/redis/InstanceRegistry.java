package io.github.mpr4j.core.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Which instances are alive. Each instance renews a heartbeat key with a time to live every third of that
 * time; an instance whose key has expired died without closing, and its live sessions count as gone.
 * Answers about other instances are cached briefly, so that a lookup costs a round trip at most once per
 * {@code cacheMillis} per instance.
 */
final class InstanceRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final String instanceId;
  private final long ttlMillis;
  private final long cacheNanos;
  private final ScheduledExecutorService heartbeat;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  private volatile boolean beating;
  private volatile boolean started;
  /** Beats left at which the sessions are put back after a lapse; covers the others' liveness caches. */
  private volatile int restoreRounds;
  private static final int RESTORE_ROUNDS = 5;
  private volatile java.util.function.IntSupplier lostHeartbeat = () -> 0;

  private record Checked(boolean alive, long atNanos) {}

  InstanceRegistry(UnifiedJedis redis, RedisKeys keys, String instanceId, Duration ttl) {
    this.redis = redis;
    this.keys = keys;
    this.instanceId = instanceId;
    this.ttlMillis = ttl.toMillis();
    this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(1_000, ttlMillis / 3));
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mpr-redis-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /** Writes the first heartbeat (failing when Redis cannot be reached) and schedules the others. */
  void start() {
    beat();
    long period = Math.max(ttlMillis / 3, 1);
    heartbeat.scheduleWithFixedDelay(this::beatQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    String previous = redis.setGet(keys.instance(instanceId), "alive", SetParams.setParams().px(ttlMillis));
    beating = true;
    if (previous == null && started) {
      // the key had expired or was lost: others may drop this instance's live sessions, also for a while
      // after it is back (they cache what they saw), so put them back now and at the next few beats
      restoreRounds = RESTORE_ROUNDS;
    }
    started = true;
    if (restoreRounds > 0) {
      restoreRounds--;
      int restored = lostHeartbeat.getAsInt();
      if (restored > 0) {
        log.warn("this instance's heartbeat had lapsed; {} live sessions put back", restored);
      }
    }
  }

  /** What to do when the heartbeat is found to have lapsed (returns how many sessions it put back). */
  void onLostHeartbeat(java.util.function.IntSupplier action) {
    this.lostHeartbeat = action;
  }

  private void beatQuietly() {
    try {
      beat();
    } catch (RuntimeException e) {
      if (beating) {
        log.warn("instance heartbeat failed, retrying: {}", e.toString());
        beating = false;
      }
    }
  }

  /** Whether an instance is alive (this one always is while open). */
  boolean isAlive(String id) {
    if (id.equals(instanceId)) {
      return true;
    }
    long now = System.nanoTime();
    Checked c = checked.get(id);
    if (c != null && now - c.atNanos < cacheNanos) {
      return c.alive;
    }
    boolean alive = redis.exists(keys.instance(id));
    checked.put(id, new Checked(alive, now));
    if (checked.size() > 10_000) {
      checked.entrySet().removeIf(e -> now - e.getValue().atNanos >= cacheNanos);
    }
    return alive;
  }

  /** Stops the heartbeat and deletes the key, so that others see at once that this instance is gone. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      redis.del(keys.instance(instanceId));
    } catch (RuntimeException e) {
      log.debug("could not delete the heartbeat key: {}", e.toString());
    }
  }
}
