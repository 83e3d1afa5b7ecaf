package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Parameters of removeLiveSession.
 *
 * @param connectionId the connection
 * @param sessionId when not {@code null}, remove the session only if it is this one
 */
public record RemoveLiveSessionOptions(String connectionId, @Nullable String sessionId) {
  /**
   * Checks the fields.
   *
   * @param connectionId the connection
   * @param sessionId when not {@code null}, remove the session only if it is this one
   * @throws MprRpcException -32602 naming the field when {@code connectionId} is null or empty, or {@code
   *     sessionId} is empty
   */
  public RemoveLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.optional("sessionId", sessionId);
  }

  /**
   * The options to remove the connection's live session, whichever it is.
   *
   * @param connectionId the connection (non-empty)
   * @return the options
   * @throws MprRpcException -32602 when {@code connectionId} is null or empty
   */
  public static RemoveLiveSessionOptions of(String connectionId) {
    return new RemoveLiveSessionOptions(connectionId, null);
  }

  /**
   * The options to remove the connection's live session only if it is {@code sessionId} (a newer session that
   * replaced it stays).
   *
   * @param connectionId the connection (non-empty)
   * @param sessionId the session to remove (non-empty)
   * @return the options
   * @throws MprRpcException -32602 naming the field when one is null or empty
   */
  public static RemoveLiveSessionOptions of(String connectionId, String sessionId) {
    Checks.nonEmpty("sessionId", sessionId);
    return new RemoveLiveSessionOptions(connectionId, sessionId);
  }
}
