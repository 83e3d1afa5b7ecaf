package io.github.mpr4j.protocol;

/**
 * Parameters of addLiveSession.
 *
 * @param connectionId the connection whose messages should be delivered live
 * @param sessionId the mediator's id for the session (a later removeLiveSession may name it)
 */
public record AddLiveSessionOptions(String connectionId, String sessionId) {
  /**
   * Checks the fields.
   *
   * @param connectionId the connection whose messages should be delivered live
   * @param sessionId the mediator's id for the session (a later removeLiveSession may name it)
   * @throws MprRpcException -32602 naming the field when {@code connectionId} or {@code sessionId} is null or empty
   */
  public AddLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.nonEmpty("sessionId", sessionId);
  }

  /**
   * The options to make the caller the holder of a connection's live session.
   *
   * @param connectionId the connection whose messages should be delivered live (non-empty)
   * @param sessionId the mediator's id for the session (non-empty)
   * @return the options
   * @throws MprRpcException -32602 naming the field when one is null or empty
   */
  public static AddLiveSessionOptions of(String connectionId, String sessionId) {
    return new AddLiveSessionOptions(connectionId, sessionId);
  }
}
