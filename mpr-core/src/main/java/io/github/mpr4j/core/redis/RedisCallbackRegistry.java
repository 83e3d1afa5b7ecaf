package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.callback.CallbackRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * Callback registrations on Redis: one key per clientId holding its deadline, tagged with the client's
 * connection ({@link RedisKeys#registration}) so that the queue script can check it while appending a
 * notification ({@link RedisQueueStore#appendIfRegistered}), read and written by a small
 * script so that each call is atomic and compares the deadline with the caller's clock (as the contract
 * says); the key also expires by itself a minute after its deadline, so nothing is left behind. A sorted
 * set of deadlines lets {@link #removeExpired} find the expired ids, so that their notifications can be
 * dropped too. The sorted set is one key: registrations are rare next to messages.
 *
 * <p>A registration's attributes are a hash in the same slot ({@link RedisKeys#registrationAttributes}),
 * whose expiry follows the registration key's on every create and touch; a new registration deletes the
 * hash of an expired one. A user's registrations are a sorted set per user ({@link RedisKeys#callbackUser},
 * in the user's own slot, scored by the time of binding): reads check each member's registration and
 * drop those that are gone, and removing an expired registration removes it from its user's set.
 */
final class RedisCallbackRegistry implements CallbackRegistry {
  private static final long GRACE_MILLIS = 60_000;
  private static final String SCRIPT = """
      local v = redis.call('GET', KEYS[1])
      local alive = v and tonumber(v) > tonumber(ARGV[2])
      if ARGV[1] == 'create' then
        if alive then return 0 end
        redis.call('DEL', KEYS[2])
      elseif ARGV[1] == 'touch' then
        if not alive then return 0 end
      elseif ARGV[1] == 'exists' then
        if alive then return 1 end
        return 0
      else -- 'expire': remove it unless it is alive; answers its user, or '' when it had none
        if alive then return 0 end
        local user = redis.call('HGET', KEYS[2], 'user')
        redis.call('DEL', KEYS[1], KEYS[2])
        return user or ''
      end
      redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
      redis.call('PEXPIRE', KEYS[2], ARGV[4])
      return 1
      """;
  /** Attribute calls on a live registration: 'set' name value, 'del' name, 'get' (all of them). */
  private static final String ATTRIBUTES = """
      local v = redis.call('GET', KEYS[1])
      if not (v and tonumber(v) > tonumber(ARGV[2])) then
        if ARGV[1] == 'get' then return {} end
        return 0
      end
      if ARGV[1] == 'get' then return redis.call('HGETALL', KEYS[2]) end
      if ARGV[1] == 'del' then return redis.call('HDEL', KEYS[2], ARGV[3]) end
      redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
      return 1
      """;

  private final UnifiedJedis client;
  private final RedisKeys keys;
  private final String deadlines;

  RedisCallbackRegistry(UnifiedJedis client, RedisKeys keys, String keyPrefix) {
    this.client = client;
    this.keys = keys;
    this.deadlines = keyPrefix + ":callback-deadlines";
  }

  private boolean run(String op, String clientId, long nowMillis, long expiresAtMillis) {
    long ttl = Math.max(1, expiresAtMillis - nowMillis) + GRACE_MILLIS;
    return Long.valueOf(1).equals(eval(op, clientId, nowMillis, expiresAtMillis, ttl));
  }

  private Object eval(String op, String clientId, long nowMillis, long expiresAtMillis, long ttl) {
    return client.eval(SCRIPT, List.of(keys.registration(clientId), keys.registrationAttributes(clientId)),
        List.of(op, Long.toString(nowMillis), Long.toString(expiresAtMillis), Long.toString(ttl)));
  }

  private Object attributeCall(String op, String clientId, long nowMillis, String name, String value) {
    return client.eval(ATTRIBUTES, List.of(keys.registration(clientId),
        keys.registrationAttributes(clientId)), List.of(op, Long.toString(nowMillis), name, value));
  }

  @Override
  public boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    if (expiresAtMillis <= nowMillis || !run("create", clientId, nowMillis, expiresAtMillis)) {
      return false;
    }
    client.zadd(deadlines, expiresAtMillis, clientId);
    return true;
  }

  @Override
  public boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
    if (!run("touch", clientId, nowMillis, expiresAtMillis)) {
      return false;
    }
    client.zadd(deadlines, expiresAtMillis, clientId);
    return true;
  }

  @Override
  public boolean exists(String clientId, long nowMillis) {
    return run("exists", clientId, nowMillis, nowMillis);
  }

  @Override
  public boolean setAttribute(String clientId, String name, String value, long nowMillis) {
    return Long.valueOf(1).equals(attributeCall("set", clientId, nowMillis, name, value));
  }

  @Override
  public boolean removeAttribute(String clientId, String name, long nowMillis) {
    return Long.valueOf(1).equals(attributeCall("del", clientId, nowMillis, name, ""));
  }

  @Override
  public Map<String, String> attributes(String clientId, long nowMillis) {
    Object reply = attributeCall("get", clientId, nowMillis, "", "");
    Map<String, String> out = new HashMap<>();
    if (reply instanceof List<?> flat) {
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        out.put(text(flat.get(i)), text(flat.get(i + 1)));
      }
    }
    return out;
  }

  @Override
  public boolean bindUser(String clientId, String userId, long nowMillis, int maxPerUser) {
    String previous = attributes(clientId, nowMillis).get(USER);
    if (!setAttribute(clientId, USER, userId, nowMillis)) {
      return false;
    }
    if (previous != null && !previous.equals(userId)) {
      client.zrem(keys.callbackUser(previous), clientId);
    }
    String set = keys.callbackUser(userId);
    client.zadd(set, nowMillis, clientId);
    client.zremrangeByRank(set, 0, -(maxPerUser + 1L)); // keep the newest maxPerUser
    return true;
  }

  @Override
  public List<String> clientsOfUser(String userId, long nowMillis, int max) {
    String set = keys.callbackUser(userId);
    List<String> out = new ArrayList<>();
    for (String id : client.zrevrange(set, 0, Math.max(0, max - 1))) {
      if (userId.equals(attributes(id, nowMillis).get(USER))) {
        out.add(id);
      } else {
        client.zrem(set, id); // expired, or bound to another user since
      }
    }
    return out;
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
  }

  @Override
  public List<String> removeExpired(long nowMillis, int max) {
    List<String> removed = new ArrayList<>();
    for (String id : client.zrangeByScore(deadlines, Double.NEGATIVE_INFINITY, nowMillis, 0, max)) {
      // a registration touched since is alive and stays; ZREM answers 1 to one instance only
      Object reply = eval("expire", id, nowMillis, nowMillis, 1);
      if (reply instanceof String || reply instanceof byte[]) { // expired and removed: the reply is its user
        String u = text(reply);
        if (!u.isEmpty()) {
          client.zrem(keys.callbackUser(u), id);
        }
        if (client.zrem(deadlines, id) == 1) {
          removed.add(id);
        }
      }
    }
    return removed;
  }
}
