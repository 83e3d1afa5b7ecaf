package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The queues on Redis: each operation is one EVALSHA of the queue script on the connection's keys, so it
 * is atomic, and costs one round trip. Pending messages are in a sorted set by sequence number (and one
 * per recipient), sending ones in a sorted set by deadline; removal by id is O(log n). The asynchronous
 * forms are what {@link RedisBackend} calls; the blocking ones wait for them (the store contract).
 */
final class RedisQueueStore implements QueueStore {
  private static final Logger log = LoggerFactory.getLogger(RedisQueueStore.class);
  private static final byte[] APPEND = RedisKeys.bytes("append");
  private static final byte[] APPEND_ROUTED = RedisKeys.bytes("appendRouted");
  private static final byte[] APPEND_IF_REGISTERED = RedisKeys.bytes("appendIfRegistered");
  private static final byte[] TAKE = RedisKeys.bytes("take");
  private static final byte[] DROP_TAKEN = RedisKeys.bytes("dropTaken");
  private static final byte[] CLAIM = RedisKeys.bytes("claim");
  private static final byte[] RELEASE = RedisKeys.bytes("release");
  private static final byte[] REMOVE = RedisKeys.bytes("remove");
  private static final byte[] REMOVE_ALL = RedisKeys.bytes("removeAll");
  private static final byte[] COUNT = RedisKeys.bytes("count");
  private static final byte[] ZERO = RedisKeys.bytes("0");

  private final UnifiedJedis client;
  private final QueueScript script;
  private final RedisKeys keys;
  private final InstanceRegistry instances;
  private final RedisLiveSessions sessions;
  private final String description;
  /** How long (ms) the script remembers an appended id, so that the same append run again changes nothing. */
  private final byte[] appendGuard;

  RedisQueueStore(UnifiedJedis client, QueueScript script, RedisKeys keys, InstanceRegistry instances,
      RedisLiveSessions sessions, String description, java.time.Duration appendGuardWindow) {
    this.client = client;
    this.script = script;
    this.keys = keys;
    this.instances = instances;
    this.sessions = sessions;
    this.description = description;
    this.appendGuard = number(appendGuardWindow.toMillis());
  }

  @Override
  public void append(StoredMessage message) {
    script.run(keys.connection(message.connectionId()), appendArgs(APPEND, message, message.sendingUntilMillis()));
  }

  /**
   * One EVALSHA: appends a pending message, unless the connection has a live session whose holder is alive:
   * then as sending until {@code sendingUntilMillis}, and that session is returned. Atomic with the session
   * scripts of the connection.
   */
  CompletableFuture<Optional<LiveSession>> appendRouted(StoredMessage message, long sendingUntilMillis) {
    String connectionId = message.connectionId();
    return script.call(keys.connection(connectionId), appendArgs(APPEND_ROUTED, message, sendingUntilMillis))
        .thenCompose(reply -> alive(message, RedisLiveSessions.session(connectionId, reply)));
  }

  /**
   * One EVALSHA: the registration's deadline, the pending count, the append and the live session. The reply
   * is {@code {0}} (unknown client), {@code {1}} (too many pending), or {@code {2}} and the session's fields
   * when the message was appended ({@code {2}} alone: pending).
   */
  CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending, StoredMessage message,
      long sendingUntilMillis) {
    String connectionId = message.connectionId();
    if (!connectionId.equals(CallbackRegistry.connectionId(clientId))) {
      throw new IllegalArgumentException("not the connection of client " + clientId + ": " + connectionId);
    }
    List<byte[]> args = appendArgs(APPEND_IF_REGISTERED, message, sendingUntilMillis, number(maxPending));
    return script.call(keys.callbackConnection(clientId), args).thenCompose(reply -> {
      List<?> fields = (List<?>) reply;
      long code = (Long) fields.get(0);
      if (code == 0) {
        return CompletableFuture.completedFuture(GuardedAppend.refused(GuardedAppend.Result.UNKNOWN_CLIENT));
      }
      if (code == 1) {
        return CompletableFuture.completedFuture(GuardedAppend.refused(GuardedAppend.Result.TOO_MANY_PENDING));
      }
      return alive(message, RedisLiveSessions.session(connectionId, fields.subList(1, fields.size())))
          .thenApply(GuardedAppend::appended);
    });
  }

  /**
   * The session a message was appended as sending to, if its holder instance is alive; if it died without
   * closing, the message is released (it waits as pending) and the session removed.
   */
  CompletableFuture<Optional<LiveSession>> alive(StoredMessage message, Optional<LiveSession> session) {
    if (session.isEmpty() || instances.isAlive(session.get().instanceId())) {
      return CompletableFuture.completedFuture(session);
    }
    return script.call(keys.connection(message.connectionId()), List.of(RELEASE, RedisKeys.bytes(message.id())))
        .thenCompose(released -> sessions.removeDeadAsync(session.get()))
        .thenApply(removed -> Optional.<LiveSession>empty());
  }

  List<byte[]> appendArgs(byte[] op, StoredMessage m, long sendingUntil) {
    return appendArgs(op, m, sendingUntil, null);
  }

  /** op, id, blob, sendingUntil, payloadBytes, receivedAt, guard window, [extra], recipient dids. */
  List<byte[]> appendArgs(byte[] op, StoredMessage m, long sendingUntil, byte[] extra) {
    List<byte[]> args = new ArrayList<>(8 + m.recipientDids().size());
    args.add(op);
    args.add(RedisKeys.bytes(m.id()));
    args.add(MessageBlobs.encode(m));
    args.add(number(sendingUntil));
    args.add(number(m.payload().byteSize()));
    args.add(number(m.receivedAtMillis()));
    args.add(appendGuard);
    if (extra != null) {
      args.add(extra);
    }
    for (String did : m.recipientDids()) {
      args.add(RedisKeys.bytes(did));
    }
    return args;
  }

  /** The blocking form also waits for a destructive take's drop, so that what follows it sees it done. */
  @Override
  public List<StoredMessage> take(TakeRequest r) {
    return QueueScript.join(takeAsync(r, true));
  }

  CompletableFuture<List<StoredMessage>> takeAsync(TakeRequest r) {
    return takeAsync(r, false);
  }

  /**
   * A take. A destructive one is two calls, so that a take whose reply is lost deletes nothing: the first
   * takes the messages as sending until the request's deadline (its visibility timeout), the
   * second, sent once that reply arrived and not waited for (unless {@code awaitDrop}), deletes them. A lost
   * reply leaves them sending, and they come back after the deadline; a crash between the two calls delivers
   * them again after it (at least once, never lost).
   */
  private CompletableFuture<List<StoredMessage>> takeAsync(TakeRequest r, boolean awaitDrop) {
    long deadline = r.delete() ? Math.max(r.sendingUntilMillis(), r.nowMillis() + 1) : r.sendingUntilMillis();
    List<byte[]> args = new ArrayList<>(7);
    args.add(TAKE);
    args.add(number(r.nowMillis()));
    args.add(number(deadline));
    args.add(number(r.limit()));
    args.add(number(r.limitBytes()));
    args.add(ZERO);
    if (r.recipientDid() != null) {
      args.add(RedisKeys.bytes(r.recipientDid()));
    }
    List<byte[]> connectionKeys = keys.connection(r.connectionId());
    CompletableFuture<List<StoredMessage>> taken = script.call(connectionKeys, args)
        .thenApply(reply -> messages(r.connectionId(), reply));
    if (!r.delete()) {
      return taken;
    }
    return taken.thenCompose(messages -> {
      if (messages.isEmpty()) {
        return CompletableFuture.completedFuture(messages);
      }
      List<byte[]> drop = new ArrayList<>(2 + messages.size());
      drop.add(DROP_TAKEN);
      drop.add(number(deadline));
      for (StoredMessage m : messages) {
        drop.add(RedisKeys.bytes(m.id()));
      }
      CompletableFuture<Object> dropped = script.callLater(connectionKeys, drop);
      dropped.whenComplete((n, failure) -> {
        if (failure != null) {
          log.warn("a destructive take of {} messages of {} could not delete them ({}): they are delivered again "
              + "after {}", messages.size(), r.connectionId(), failure.toString(), deadline);
        }
      });
      return awaitDrop ? dropped.handle((n, failure) -> messages) : CompletableFuture.completedFuture(messages);
    });
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    return messages(connectionId, script.run(keys.connection(connectionId),
        claimArgs(messageIds, nowMillis, sendingUntilMillis)));
  }

  CompletableFuture<List<StoredMessage>> claimAsync(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return script.call(keys.connection(connectionId), claimArgs(messageIds, nowMillis, sendingUntilMillis))
        .thenApply(reply -> messages(connectionId, reply));
  }

  private static List<byte[]> claimArgs(Collection<String> messageIds, long nowMillis, long sendingUntilMillis) {
    List<byte[]> args = new ArrayList<>(3 + messageIds.size());
    args.add(CLAIM);
    args.add(number(nowMillis));
    args.add(number(sendingUntilMillis));
    addIds(args, messageIds);
    return args;
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return 0;
    }
    return count(script.run(keys.connection(connectionId), releaseArgs(messageIds)));
  }

  CompletableFuture<Integer> releaseAsync(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return script.call(keys.connection(connectionId), releaseArgs(messageIds)).thenApply(RedisQueueStore::count);
  }

  /** {@code messageIds} null: every message of the connection. */
  private static List<byte[]> releaseArgs(Collection<String> messageIds) {
    List<byte[]> args = new ArrayList<>(1 + (messageIds == null ? 0 : messageIds.size()));
    args.add(RELEASE);
    if (messageIds != null) {
      addIds(args, messageIds);
    }
    return args;
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    return QueueScript.join(removeAsync(connectionId, messageIds));
  }

  CompletableFuture<Integer> removeAsync(String connectionId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    List<byte[]> args = new ArrayList<>(1 + messageIds.size());
    args.add(REMOVE);
    addIds(args, messageIds);
    return script.call(keys.connection(connectionId), args).thenApply(RedisQueueStore::count);
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return QueueScript.join(removeAllAsync(connectionId, recipientDid));
  }

  CompletableFuture<Integer> removeAllAsync(String connectionId, String recipientDid) {
    return script.call(keys.connection(connectionId), List.of(REMOVE_ALL, RedisKeys.bytes(recipientDid)))
        .thenApply(RedisQueueStore::count);
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    return QueueScript.join(countAsync(connectionId, recipientDid, nowMillis));
  }

  CompletableFuture<Integer> countAsync(String connectionId, String recipientDid, long nowMillis) {
    List<byte[]> args = recipientDid == null
        ? List.of(COUNT, number(nowMillis))
        : List.of(COUNT, number(nowMillis), RedisKeys.bytes(recipientDid));
    return script.call(keys.connection(connectionId), args).thenApply(RedisQueueStore::count);
  }

  /** Whether Redis answers now. */
  @Override
  public boolean isReady() {
    try {
      return "PONG".equalsIgnoreCase(client.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String describe() {
    return description;
  }

  /** Nothing: the connection is its backend's, which closes it. */
  @Override
  public void close() {}

  private static void addIds(List<byte[]> args, Collection<String> ids) {
    for (String id : ids) {
      args.add(RedisKeys.bytes(id));
    }
  }

  static List<StoredMessage> messages(String connectionId, Object reply) {
    List<?> flat = (List<?>) reply;
    List<StoredMessage> out = new ArrayList<>(flat.size() / 3);
    for (int i = 0; i + 2 < flat.size(); i += 3) {
      out.add(MessageBlobs.decode(text(flat.get(i)), connectionId, (Long) flat.get(i + 1), (byte[]) flat.get(i + 2)));
    }
    return out;
  }

  static int count(Object reply) {
    return Math.toIntExact((Long) reply);
  }

  static byte[] number(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static String text(Object reply) {
    return new String((byte[]) reply, StandardCharsets.UTF_8);
  }
}
