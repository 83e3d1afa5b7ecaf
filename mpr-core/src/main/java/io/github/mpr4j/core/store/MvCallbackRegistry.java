package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.CallbackRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Registrations in their own MVStore file: clientId to deadline. A creation is committed before it
 * returns; touches are committed by MVStore's background auto-commit (about a second). Per-id atomicity
 * comes from a lock: registrations are few and their calls short.
 */
final class MvCallbackRegistry implements CallbackRegistry {
  static final String FILE_NAME = "callbacks.mv.db";

  private final MVStore store;
  private final MVMap<String, Long> deadlines;
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
  }

  @Override
  public synchronized boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    Long old = deadlines.get(clientId);
    if (old != null && old > nowMillis) {
      return false;
    }
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
    }
    if (!expired.isEmpty()) {
      store.commit();
    }
    return expired;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      store.close();
    }
  }
}
