package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sessions on Redis: one hash per connection (in the connection's slot) naming the session, its
 * instance and its holder. Replacement and scoped removal are atomic scripts. A session whose instance has
 * stopped its heartbeat is gone: lookups ignore it and delete it (only if it is still that session).
 */
final class RedisLiveSessions implements LiveSessions {
  private static final Logger log = LoggerFactory.getLogger(RedisLiveSessions.class);
  private static final byte[] PUT = RedisKeys.bytes("sessionPut");
  private static final byte[] REMOVE = RedisKeys.bytes("sessionRemove");
  private static final byte[] GET = RedisKeys.bytes("sessionGet");
  private static final byte[] RESTORE = RedisKeys.bytes("sessionRestore");
  private static final byte[] ANY = new byte[0];

  private final QueueScript script;
  private final RedisKeys keys;
  private final InstanceRegistry instances;
  private final String instanceId;
  /** The sessions held on this instance, by connection, to put back after a lost heartbeat. */
  private final Map<String, LiveSession> own = new ConcurrentHashMap<>();
  private volatile Consumer<LiveSession> restoredListener = s -> {};

  RedisLiveSessions(QueueScript script, RedisKeys keys, InstanceRegistry instances, String instanceId) {
    this.script = script;
    this.keys = keys;
    this.instances = instances;
    this.instanceId = instanceId;
  }

  @Override
  public Optional<LiveSession> put(LiveSession session) {
    return afterPut(session, script.run(keys.connection(session.connectionId()), putArgs(session)));
  }

  /** {@link #put} without waiting. */
  CompletableFuture<Optional<LiveSession>> putAsync(LiveSession session) {
    return script.call(keys.connection(session.connectionId()), putArgs(session))
        .thenApply(reply -> afterPut(session, reply));
  }

  private static List<byte[]> putArgs(LiveSession session) {
    return List.of(PUT, RedisKeys.bytes(session.sessionId()), RedisKeys.bytes(session.instanceId()),
        RedisKeys.bytes(session.holderId()));
  }

  private Optional<LiveSession> afterPut(LiveSession session, Object reply) {
    if (session.instanceId().equals(instanceId)) {
      own.put(session.connectionId(), session);
    }
    return session(session.connectionId(), reply);
  }

  /** This instance no longer holds {@code s} (it was replaced or removed). */
  void forgetOwn(LiveSession s) {
    own.remove(s.connectionId(), s);
  }

  /**
   * Puts back the sessions this instance holds whose entries are gone (other instances delete the
   * sessions of an instance whose heartbeat they miss, and the heartbeat can be missed without the
   * instance dying: a long pause, a Redis restart without persistence). A connection that another
   * session has taken meanwhile keeps that one.
   *
   * @return how many sessions were put back
   */
  int restoreOwn() {
    int restored = 0;
    for (LiveSession s : own.values()) {
      Object reply = script.run(keys.connection(s.connectionId()), List.of(RESTORE, RedisKeys.bytes(s.sessionId()),
          RedisKeys.bytes(s.instanceId()), RedisKeys.bytes(s.holderId())));
      if (Long.valueOf(1).equals(reply)) {
        restored++;
        try {
          restoredListener.accept(s);
        } catch (RuntimeException e) {
          log.warn("the restored session of connection {} could not be handed its pending messages: {}",
              s.connectionId(), e.toString());
        }
      }
    }
    return restored;
  }

  @Override
  public Optional<LiveSession> remove(String connectionId, String sessionId, String holderId) {
    return remove(connectionId, sessionId, holderId, null);
  }

  /** Removes a session found dead, unless it has been replaced meanwhile. */
  void removeDead(LiveSession s) {
    remove(s.connectionId(), s.sessionId(), s.holderId(), s.instanceId());
  }

  /** {@link #removeDead} without waiting. */
  CompletableFuture<Object> removeDeadAsync(LiveSession s) {
    return script.call(keys.connection(s.connectionId()), List.of(REMOVE, orAny(s.sessionId()), orAny(s.holderId()),
        orAny(s.instanceId())));
  }

  private Optional<LiveSession> remove(String connectionId, String sessionId, String holderId, String instanceId) {
    Object reply = script.run(keys.connection(connectionId), List.of(REMOVE, orAny(sessionId), orAny(holderId),
        orAny(instanceId)));
    return afterRemove(connectionId, holderId, instanceId, reply);
  }

  /** {@link #remove(String, String, String)} without waiting. */
  CompletableFuture<Optional<LiveSession>> removeAsync(String connectionId, String sessionId, String holderId) {
    return script.call(keys.connection(connectionId), List.of(REMOVE, orAny(sessionId), orAny(holderId), ANY))
        .thenApply(reply -> afterRemove(connectionId, holderId, null, reply));
  }

  private Optional<LiveSession> afterRemove(String connectionId, String holderId, String instanceId, Object reply) {
    Optional<LiveSession> removed = session(connectionId, reply);
    removed.ifPresent(this::forgetOwn);
    if (instanceId == null && holderId != null) {
      // a holder of this instance closing: whatever it held is not ours to restore any more
      LiveSession mine = own.get(connectionId);
      if (mine != null && mine.holderId().equals(holderId)) {
        own.remove(connectionId, mine);
      }
    }
    return removed;
  }

  @Override
  public void onRestored(Consumer<LiveSession> listener) {
    this.restoredListener = listener;
  }

  /** One EVALSHA (sessionGet) that holds no thread; the sessions checked are this instance's own. */
  @Override
  public CompletableFuture<Boolean> isCurrent(LiveSession session) {
    String connectionId = session.connectionId();
    return script.call(keys.connection(connectionId), List.of(GET))
        .thenApply(reply -> session(connectionId, reply).filter(session::equals).isPresent());
  }

  @Override
  public Optional<LiveSession> get(String connectionId) {
    Optional<LiveSession> found = session(connectionId, script.run(keys.connection(connectionId), List.of(GET)));
    if (found.isEmpty()) {
      return found;
    }
    LiveSession s = found.get();
    if (instances.isAlive(s.instanceId())) {
      return Optional.of(s);
    }
    removeDead(s);
    return Optional.empty();
  }

  /** {@link #get} without waiting: one EVALSHA, and one more to delete a session whose instance is dead. */
  CompletableFuture<Optional<LiveSession>> getAsync(String connectionId) {
    return script.call(keys.connection(connectionId), List.of(GET)).thenCompose(reply -> {
      Optional<LiveSession> found = session(connectionId, reply);
      if (found.isEmpty() || instances.isAlive(found.get().instanceId())) {
        return CompletableFuture.completedFuture(found);
      }
      return removeDeadAsync(found.get()).thenApply(x -> Optional.<LiveSession>empty());
    });
  }


  private static byte[] orAny(String s) {
    return s == null ? ANY : RedisKeys.bytes(s);
  }

  static Optional<LiveSession> session(String connectionId, Object reply) {
    List<?> fields = (List<?>) reply;
    if (fields.size() < 3 || fields.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(new LiveSession(connectionId, RedisQueueStore.text(fields.get(0)),
        RedisQueueStore.text(fields.get(1)), RedisQueueStore.text(fields.get(2))));
  }

  /** Nothing: the connection is its backend's, which closes it. */
  @Override
  public void close() {}
}
