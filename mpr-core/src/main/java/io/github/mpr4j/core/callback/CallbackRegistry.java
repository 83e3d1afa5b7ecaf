package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.spi.Backend;
import java.util.List;
import java.util.Map;

/**
 * The registrations of the callback gateway: which clientIds exist, and until when each lives without
 * being seen. Shared by every instance that uses it, so a browser can register on one instance and resume
 * on another, and a backend's POST on any instance finds the registration.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>A registration is a clientId with a deadline (epoch milliseconds). It exists at time {@code now}
 *       while {@code now < deadline}; from the deadline on, every method treats it as absent, whether or
 *       not it has been removed yet (a Redis key with {@code PXAT} expiry fits this exactly).
 *   <li>Each method is atomic on its clientId: two concurrent {@link #create} calls for one id never both
 *       return {@code true}; a {@link #touch} never revives an expired registration.
 *   <li>Callers pass the clock: {@code now} and deadlines come from the caller, so all instances should
 *       run with synchronized clocks (NTP); a skew of a few seconds only shifts expiry by as much.
 *   <li>{@link #create} returns only once the registration is as durable as the implementation promises
 *       (the embedded one: on disk; Redis: per its persistence settings). Touches may be written lazily
 *       (within about a second): a crash may lose the last touch, never a registration.
 * </ul>
 *
 * <p>Calls may block on I/O unless {@link #isNonBlocking()}; the gateway calls them on its own executor,
 * never on an event loop. A POST's check of its registration goes through {@link
 * CallbackQueue#addIfRegistered}, which checks, counts and appends in one atomic step when the queue's
 * backend also keeps the registrations (its {@link CallbackStore}, {@link Backend#callbacks()}).
 */
public interface CallbackRegistry extends AutoCloseable {

  /** The prefix of the pickup-queue connection that holds a client's notifications. */
  String CONNECTION_PREFIX = "callback:";

  /**
   * The pickup-queue connection that holds the notifications of {@code clientId}: {@value
   * #CONNECTION_PREFIX} followed by the clientId. A store that keeps registrations beside queues (Redis)
   * places the registration with that connection's keys, so that one atomic step can reach both.
   */
  static String connectionId(String clientId) {
    return CONNECTION_PREFIX + clientId;
  }

  /**
   * Registers a new clientId, unless a registration with that id exists at {@code nowMillis}.
   *
   * @param expiresAtMillis its deadline: absent from then on unless touched before
   * @return {@code true} if it was registered; {@code false} if a live registration with that id exists
   */
  boolean create(String clientId, long nowMillis, long expiresAtMillis);

  /**
   * Extends a registration that exists at {@code nowMillis}: its deadline becomes {@code expiresAtMillis}.
   *
   * @return whether the registration existed (an expired or unknown one is not created)
   */
  boolean touch(String clientId, long nowMillis, long expiresAtMillis);

  /** Whether the registration exists at {@code nowMillis}; does not change its deadline. */
  boolean exists(String clientId, long nowMillis);

  /**
   * Removes up to {@code max} registrations whose deadline has passed, and returns their ids so that the
   * caller can drop what belongs to them (their pending notifications). An implementation whose entries
   * expire by themselves (Redis) may return an empty list; the notifications of such a registration then
   * expire by their own time to live.
   */
  List<String> removeExpired(long nowMillis, int max);

  /** The attribute that names the user a registration is bound to ({@link #bindUser}). */
  String USER = "user";

  /**
   * Sets an attribute (a small text value, such as a Web Push subscription) of a registration that exists
   * at {@code nowMillis}. Attributes live and expire with their registration: a registration created anew
   * under an expired id starts without any.
   *
   * <p>The default implementation keeps no attributes and throws {@link UnsupportedOperationException}; the
   * built-in registries (memory, embedded, Redis) implement every attribute method.
   *
   * @return whether the registration existed (nothing is set otherwise)
   */
  default boolean setAttribute(String clientId, String name, String value, long nowMillis) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no registration attributes");
  }

  /** Removes an attribute of a live registration; {@code true} if it was set. */
  default boolean removeAttribute(String clientId, String name, long nowMillis) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no registration attributes");
  }

  /** The attributes of a registration that exists at {@code nowMillis}; empty when it does not. */
  default Map<String, String> attributes(String clientId, long nowMillis) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no registration attributes");
  }

  /**
   * Binds a live registration to a user: sets its {@value #USER} attribute and adds it to the user's
   * registrations, which keep the {@code maxPerUser} most recently bound ones (older ones leave the user's
   * list, not the registry). On Redis the user's list is shared by every instance.
   *
   * @return whether the registration existed
   */
  default boolean bindUser(String clientId, String userId, long nowMillis, int maxPerUser) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no registration attributes");
  }

  /**
   * The registrations bound to a user that exist at {@code nowMillis}, most recently bound first, at most
   * {@code max}. Expired ones are left out (and may be forgotten on the way).
   */
  default List<String> clientsOfUser(String userId, long nowMillis, int max) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no registration attributes");
  }

  /**
   * Whether every method returns promptly without waiting for I/O (an in-memory registry): callers may then
   * call it on any thread, an event loop included.
   */
  default boolean isNonBlocking() {
    return false;
  }

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}
}
