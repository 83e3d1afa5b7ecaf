package io.github.mpr4j.protocol;

/**
 * Parameters of getLiveSession.
 *
 * @param connectionId the connection
 */
public record GetLiveSessionOptions(String connectionId) {
  /**
   * Checks the field.
   *
   * @param connectionId the connection
   * @throws MprRpcException -32602 when {@code connectionId} is null or empty
   */
  public GetLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
  }

  /**
   * The options to ask whether the connection has a live session on any instance.
   *
   * @param connectionId the connection (non-empty)
   * @return the options
   * @throws MprRpcException -32602 when {@code connectionId} is null or empty
   */
  public static GetLiveSessionOptions of(String connectionId) {
    return new GetLiveSessionOptions(connectionId);
  }
}
