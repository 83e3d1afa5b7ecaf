package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import java.util.concurrent.CompletableFuture;

/**
 * The optional callback part of a {@link Backend} that keeps the gateway's registrations beside the queues
 * ({@link Backend#callbacks()}): it appends a callback notification only if its registration exists and
 * its queue is not full, and finds the live session, in one atomic step (on Redis one round trip), without
 * blocking a thread while it waits.
 */
public interface CallbackStore {

  /**
   * The registrations this store keeps.
   *
   * @return the registry
   */
  CallbackRegistry registry();

  /**
   * In one atomic step: if the registration {@code clientId} exists at {@code message.receivedAtMillis()}
   * and the connection has fewer than {@code maxPending} messages pending at that time (as {@link
   * QueueStore#count} counts them), appends the message as {@link Backend#append} does (sending until
   * {@code sendingUntilMillis} when the connection has a live session, else pending); otherwise appends
   * nothing. The message's connection must be {@link CallbackRegistry#connectionId(String)
   * connectionId(clientId)}.
   *
   * @param clientId the registration
   * @param maxPending the most pending messages its connection may have
   * @param message the notification, pending
   * @param sendingUntilMillis its visibility deadline when it goes to a live session
   * @return whether it was appended (and to which live session), or why not
   */
  CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending, StoredMessage message,
      long sendingUntilMillis);
}
