package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.CallbackRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Registrations in a concurrent map: clientId to deadline. */
final class MemoryCallbackRegistry implements CallbackRegistry {
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();

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
      }
    }
    return removed;
  }
}
