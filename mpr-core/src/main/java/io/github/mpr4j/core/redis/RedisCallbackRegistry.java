package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.CallbackRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Callback registrations on Redis: one key per clientId holding its deadline, tagged with the client's
 * connection ({@link RedisKeys#registration}) so that the queue script can check it while appending a
 * notification ({@link RedisQueueStore#appendIfRegistered}), read and written by a small
 * script so that each call is atomic and compares the deadline with the caller's clock (as the contract
 * says); the key also expires by itself a minute after its deadline, so nothing is left behind. A sorted
 * set of deadlines lets {@link #removeExpired} find the expired ids, so that their notifications can be
 * dropped too. The sorted set is one key: registrations are rare next to messages.
 */
final class RedisCallbackRegistry implements CallbackRegistry {
  private static final long GRACE_MILLIS = 60_000;
  private static final String SCRIPT = """
      local v = redis.call('GET', KEYS[1])
      local alive = v and tonumber(v) > tonumber(ARGV[2])
      if ARGV[1] == 'create' then
        if alive then return 0 end
      elseif ARGV[1] == 'touch' then
        if not alive then return 0 end
      elseif ARGV[1] == 'exists' then
        if alive then return 1 end
        return 0
      else -- 'expire': remove it unless it is alive
        if alive then return 0 end
        redis.call('DEL', KEYS[1])
        return 1
      end
      redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
      return 1
      """;

  private final RedisBackend backend;
  private final RedisKeys keys;
  private final String deadlines;

  RedisCallbackRegistry(RedisBackend backend, RedisKeys keys, String keyPrefix) {
    this.backend = backend;
    this.keys = keys;
    this.deadlines = keyPrefix + ":callback-deadlines";
  }

  RedisBackend backend() {
    return backend;
  }

  private boolean run(String op, String clientId, long nowMillis, long expiresAtMillis) {
    long ttl = Math.max(1, expiresAtMillis - nowMillis) + GRACE_MILLIS;
    Object reply = backend.client().eval(SCRIPT, List.of(keys.registration(clientId)),
        List.of(op, Long.toString(nowMillis), Long.toString(expiresAtMillis), Long.toString(ttl)));
    return Long.valueOf(1).equals(reply);
  }

  @Override
  public boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    if (expiresAtMillis <= nowMillis || !run("create", clientId, nowMillis, expiresAtMillis)) {
      return false;
    }
    backend.client().zadd(deadlines, expiresAtMillis, clientId);
    return true;
  }

  @Override
  public boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
    if (!run("touch", clientId, nowMillis, expiresAtMillis)) {
      return false;
    }
    backend.client().zadd(deadlines, expiresAtMillis, clientId);
    return true;
  }

  @Override
  public boolean exists(String clientId, long nowMillis) {
    return run("exists", clientId, nowMillis, nowMillis);
  }

  @Override
  public List<String> removeExpired(long nowMillis, int max) {
    List<String> removed = new ArrayList<>();
    for (String id : backend.client().zrangeByScore(deadlines, Double.NEGATIVE_INFINITY, nowMillis, 0, max)) {
      // a registration touched since is alive and stays; ZREM answers 1 to one instance only
      if (run("expire", id, nowMillis, nowMillis) && backend.client().zrem(deadlines, id) == 1) {
        removed.add(id);
      }
    }
    return removed;
  }
}
