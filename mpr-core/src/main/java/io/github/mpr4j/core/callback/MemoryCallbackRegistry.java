package io.github.mpr4j.core.callback;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registrations in concurrent maps: clientId to deadline, clientId to attributes, and userId to its
 * bound clientIds (with the time each was bound). Attribute and user calls lock the registry briefly.
 */
final class MemoryCallbackRegistry implements CallbackRegistry {
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> attributes = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> users = new ConcurrentHashMap<>();

  @Override
  public boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    boolean[] created = {false};
    deadlines.compute(clientId, (id, old) -> {
      if (old != null && old > nowMillis) {
        return old;
      }
      created[0] = true;
      return expiresAtMillis;
    });
    if (created[0]) {
      forgetAttributes(clientId);
    }
    return created[0];
  }

  @Override
  public boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
    boolean[] touched = {false};
    deadlines.computeIfPresent(clientId, (id, old) -> {
      if (old <= nowMillis) {
        return null;
      }
      touched[0] = true;
      return expiresAtMillis;
    });
    return touched[0];
  }

  @Override
  public boolean exists(String clientId, long nowMillis) {
    Long deadline = deadlines.get(clientId);
    return deadline != null && deadline > nowMillis;
  }

  @Override
  public boolean isNonBlocking() {
    return true;
  }

  @Override
  public List<String> removeExpired(long nowMillis, int max) {
    List<String> removed = new ArrayList<>();
    for (Map.Entry<String, Long> e : deadlines.entrySet()) {
      if (removed.size() >= max) {
        break;
      }
      if (e.getValue() <= nowMillis && deadlines.remove(e.getKey(), e.getValue())) {
        removed.add(e.getKey());
        forgetAttributes(e.getKey());
      }
    }
    return removed;
  }

  @Override
  public synchronized boolean setAttribute(String clientId, String name, String value, long nowMillis) {
    if (!exists(clientId, nowMillis)) {
      return false;
    }
    attributes.computeIfAbsent(clientId, id -> new ConcurrentHashMap<>()).put(name, value);
    return true;
  }

  @Override
  public synchronized boolean removeAttribute(String clientId, String name, long nowMillis) {
    Map<String, String> a = attributes.get(clientId);
    return exists(clientId, nowMillis) && a != null && a.remove(name) != null;
  }

  @Override
  public Map<String, String> attributes(String clientId, long nowMillis) {
    Map<String, String> a = attributes.get(clientId);
    return a == null || !exists(clientId, nowMillis) ? Map.of() : Map.copyOf(a);
  }

  @Override
  public synchronized boolean bindUser(String clientId, String userId, long nowMillis, int maxPerUser) {
    if (!setAttribute(clientId, USER, userId, nowMillis)) {
      return false;
    }
    Map<String, Long> bound = users.computeIfAbsent(userId, u -> new LinkedHashMap<>());
    bound.remove(clientId);
    bound.put(clientId, nowMillis);
    while (bound.size() > maxPerUser) {
      bound.remove(bound.keySet().iterator().next()); // the oldest binding
    }
    return true;
  }

  @Override
  public synchronized List<String> clientsOfUser(String userId, long nowMillis, int max) {
    Map<String, Long> bound = users.get(userId);
    if (bound == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    List<Map.Entry<String, Long>> newestFirst = new ArrayList<>(bound.entrySet());
    newestFirst.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    for (Map.Entry<String, Long> e : newestFirst) {
      if (userId.equals(attributes(e.getKey(), nowMillis).get(USER))) {
        if (out.size() < max) {
          out.add(e.getKey());
        }
      } else {
        bound.remove(e.getKey());
      }
    }
    if (bound.isEmpty()) {
      users.remove(userId);
    }
    return out;
  }

  private synchronized void forgetAttributes(String clientId) {
    Map<String, String> a = attributes.remove(clientId);
    String user = a == null ? null : a.get(USER);
    if (user != null) {
      Map<String, Long> bound = users.get(user);
      if (bound != null) {
        bound.remove(clientId);
        if (bound.isEmpty()) {
          users.remove(user);
        }
      }
    }
  }
}
