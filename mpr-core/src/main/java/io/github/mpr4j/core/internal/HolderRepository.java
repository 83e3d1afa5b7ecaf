package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository opened on a pickup queue: the holder of the live sessions added through it. Listeners are
 * called on the queue's worker threads (or the bus's thread for deliveries from other instances).
 */
final class HolderRepository implements MessagePickupRepository {
  private static final Logger log = LoggerFactory.getLogger(HolderRepository.class);

  private final DefaultPickupQueue queue;
  private final String holderId;
  /** connectionId -> the session this holder holds for it. */
  private final Map<String, LiveSession> held = new ConcurrentHashMap<>();
  private final List<MessagesReceivedListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  HolderRepository(DefaultPickupQueue queue, String holderId) {
    this.queue = queue;
    this.holderId = holderId;
  }

  String holderId() {
    return holderId;
  }

  void hold(LiveSession session) {
    held.put(session.connectionId(), session);
  }

  /** Forgets a session that ended; returns whether this holder held it. */
  boolean forget(LiveSession session) {
    return held.remove(session.connectionId(), session);
  }

  void replaced(LiveSession session) {
    if (forget(session)) {
      for (MessagesReceivedListener l : listeners) {
        try {
          l.liveSessionReplaced(session.connectionId(), session.sessionId());
        } catch (RuntimeException e) {
          log.warn("a messagesReceived listener failed: {}", e.toString());
        }
      }
    }
  }

  /** Whether this holder is open and holds {@code session}. */
  boolean holds(LiveSession session) {
    return !closed && session.equals(held.get(session.connectionId()));
  }

  /** Hands messages to the listeners if this holder still holds the session; false if it does not. */
  boolean deliver(LiveSession session, List<QueuedMessage> messages) {
    if (!holds(session) || listeners.isEmpty()) {
      return false;
    }
    for (MessagesReceivedListener l : listeners) {
      try {
        l.messagesReceived(session.connectionId(), messages);
      } catch (RuntimeException e) {
        log.warn("a messagesReceived listener failed: {}", e.toString());
      }
    }
    return true;
  }

  private <T> CompletableFuture<T> ifOpen(Supplier<CompletableFuture<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(new MprTransportException("the repository is closed"));
    }
    return call.get();
  }

  @Override
  public CompletableFuture<String> addMessage(AddMessageOptions options) {
    return ifOpen(() -> queue.addMessage(options));
  }

  @Override
  public CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions options) {
    return ifOpen(() -> queue.takeFromQueue(options));
  }

  @Override
  public CompletableFuture<Void> removeMessages(RemoveMessagesOptions options) {
    return ifOpen(() -> queue.removeMessages(options));
  }

  @Override
  public CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions options) {
    return ifOpen(() -> queue.removeAllMessages(options));
  }

  @Override
  public CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions options) {
    return ifOpen(() -> queue.getAvailableMessageCount(options));
  }

  @Override
  public CompletableFuture<Void> addLiveSession(AddLiveSessionOptions options) {
    return ifOpen(() -> queue.addLiveSession(this, options));
  }

  @Override
  public CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions options) {
    return ifOpen(() -> queue.removeLiveSession(options));
  }

  @Override
  public CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions options) {
    return ifOpen(() -> queue.getLiveSession(options));
  }

  @Override
  public Registration addMessagesReceivedListener(MessagesReceivedListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<LiveSession> sessions = new ArrayList<>(held.values());
    held.clear();
    listeners.clear();
    queue.closed(this, sessions);
  }
}
