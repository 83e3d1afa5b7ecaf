package io.github.mpr4j.protocol;

/**
 * Parameters of removeLiveSession.
 *
 * @param connectionId the connection
 * @param sessionId when not {@code null}, remove the session only if it is this one
 */
public record RemoveLiveSessionOptions(String connectionId, String sessionId) {
  public RemoveLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.optional("sessionId", sessionId);
  }
}
