package io.github.mpr4j.protocol;

/**
 * Parameters of addLiveSession.
 *
 * @param connectionId the connection whose messages should be delivered live
 * @param sessionId the mediator's id for the session (a later removeLiveSession may name it)
 */
public record AddLiveSessionOptions(String connectionId, String sessionId) {
  public AddLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.nonEmpty("sessionId", sessionId);
  }
}
