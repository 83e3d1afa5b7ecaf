package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Live sessions known to this process only: the registry of a single instance. */
public final class LocalLiveSessions implements LiveSessions {
  private final ConcurrentHashMap<String, LiveSession> sessions = new ConcurrentHashMap<>();

  @Override
  public Optional<LiveSession> put(LiveSession session) {
    return Optional.ofNullable(sessions.put(session.connectionId(), session));
  }

  @Override
  public Optional<LiveSession> remove(String connectionId, String sessionId, String holderId) {
    LiveSession[] removed = {null};
    sessions.computeIfPresent(connectionId, (k, s) -> {
      if ((sessionId == null || sessionId.equals(s.sessionId()))
          && (holderId == null || holderId.equals(s.holderId()))) {
        removed[0] = s;
        return null;
      }
      return s;
    });
    return Optional.ofNullable(removed[0]);
  }

  @Override
  public boolean isNonBlocking() {
    return true;
  }

  @Override
  public Optional<LiveSession> get(String connectionId) {
    return Optional.ofNullable(sessions.get(connectionId));
  }

  /** How many sessions are live. */
  public int size() {
    return sessions.size();
  }
}
