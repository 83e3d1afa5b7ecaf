package io.github.mpr4j.core.callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Registrations in their own MVStore file: clientId to deadline, {@code clientId NUL name} to an
 * attribute's value, and {@code userId NUL clientId} to the time the registration was bound to the user. A
 * creation, an attribute change and a binding are committed before they return; touches are committed by
 * MVStore's background auto-commit (about a second). Per-id atomicity
 * comes from a lock: registrations are few and their calls short.
 */
final class MvCallbackRegistry implements CallbackRegistry {
  static final String FILE_NAME = "callbacks.mv.db";
  /** Separates the parts of a composite key; neither clientIds nor attribute names contain it. */
  private static final char SEP = '\u0000';

  private final MVStore store;
  private final MVMap<String, Long> deadlines;
  private final MVMap<String, String> attributes;
  private final MVMap<String, Long> users;
  private boolean closed;

  MvCallbackRegistry(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the directory " + directory, e);
    }
    Path file = directory.resolve(FILE_NAME);
    try {
      store = new MVStore.Builder().fileName(file.toString()).cacheSize(1).open();
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        throw new IllegalStateException("The callback registrations " + file
            + " are locked: another process (or another registry in this process) has them open", e);
      }
      throw new IllegalStateException("Cannot open the callback registrations " + file + ": " + e.getMessage(), e);
    }
    deadlines = store.openMap("callbackDeadlines");
    attributes = store.openMap("callbackAttributes");
    users = store.openMap("callbackUsers");
  }

  @Override
  public synchronized boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    Long old = deadlines.get(clientId);
    if (old != null && old > nowMillis) {
      return false;
    }
    forgetAttributes(clientId);
    deadlines.put(clientId, expiresAtMillis);
    store.commit();
    return true;
  }

  @Override
  public synchronized boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
    Long old = deadlines.get(clientId);
    if (old == null) {
      return false;
    }
    if (old <= nowMillis) {
      deadlines.remove(clientId);
      forgetAttributes(clientId);
      return false;
    }
    deadlines.put(clientId, expiresAtMillis);
    return true;
  }

  @Override
  public boolean exists(String clientId, long nowMillis) {
    Long deadline = deadlines.get(clientId);
    return deadline != null && deadline > nowMillis;
  }

  @Override
  public synchronized List<String> removeExpired(long nowMillis, int max) {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Long> e : deadlines.entrySet()) {
      if (expired.size() >= max) {
        break;
      }
      if (e.getValue() <= nowMillis) {
        expired.add(e.getKey());
      }
    }
    for (String id : expired) {
      deadlines.remove(id);
      forgetAttributes(id);
    }
    if (!expired.isEmpty()) {
      store.commit();
    }
    return expired;
  }

  @Override
  public synchronized boolean setAttribute(String clientId, String name, String value, long nowMillis) {
    if (!exists(clientId, nowMillis)) {
      return false;
    }
    attributes.put(clientId + SEP + name, value);
    store.commit();
    return true;
  }

  @Override
  public synchronized boolean removeAttribute(String clientId, String name, long nowMillis) {
    if (!exists(clientId, nowMillis) || attributes.remove(clientId + SEP + name) == null) {
      return false;
    }
    store.commit();
    return true;
  }

  @Override
  public synchronized Map<String, String> attributes(String clientId, long nowMillis) {
    if (!exists(clientId, nowMillis)) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    String prefix = clientId + SEP;
    for (Iterator<String> it = attributes.keyIterator(prefix); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith(prefix)) {
        break;
      }
      out.put(key.substring(prefix.length()), attributes.get(key));
    }
    return out;
  }

  @Override
  public synchronized boolean bindUser(String clientId, String userId, long nowMillis, int maxPerUser) {
    if (!exists(clientId, nowMillis)) {
      return false;
    }
    String previous = attributes.put(clientId + SEP + USER, userId);
    if (previous != null) {
      users.remove(previous + SEP + clientId);
    }
    users.put(userId + SEP + clientId, nowMillis);
    List<Map.Entry<String, Long>> bound = boundTo(userId);
    if (bound.size() > maxPerUser) {
      bound.sort(Map.Entry.comparingByValue());
      for (Map.Entry<String, Long> e : bound.subList(0, bound.size() - maxPerUser)) {
        users.remove(userId + SEP + e.getKey());
      }
    }
    store.commit();
    return true;
  }

  @Override
  public synchronized List<String> clientsOfUser(String userId, long nowMillis, int max) {
    List<Map.Entry<String, Long>> bound = boundTo(userId);
    bound.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : bound) {
      if (out.size() >= max) {
        break;
      }
      if (exists(e.getKey(), nowMillis) && userId.equals(attributes.get(e.getKey() + SEP + USER))) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The clientIds bound to a user, with the time of their binding. */
  private List<Map.Entry<String, Long>> boundTo(String userId) {
    List<Map.Entry<String, Long>> out = new ArrayList<>();
    String prefix = userId + SEP;
    for (Iterator<String> it = users.keyIterator(prefix); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith(prefix)) {
        break;
      }
      out.add(Map.entry(key.substring(prefix.length()), users.get(key)));
    }
    return out;
  }

  /** Drops every attribute of a registration, and its place in its user's list. */
  private void forgetAttributes(String clientId) {
    String user = attributes.get(clientId + SEP + USER);
    if (user != null) {
      users.remove(user + SEP + clientId);
    }
    String prefix = clientId + SEP;
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = attributes.keyIterator(prefix); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith(prefix)) {
        break;
      }
      keys.add(key);
    }
    keys.forEach(attributes::remove);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      store.close();
    }
  }
}
