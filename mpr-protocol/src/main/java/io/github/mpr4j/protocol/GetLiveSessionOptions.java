package io.github.mpr4j.protocol;

/**
 * Parameters of getLiveSession.
 *
 * @param connectionId the connection
 */
public record GetLiveSessionOptions(String connectionId) {
  public GetLiveSessionOptions {
    Checks.nonEmpty("connectionId", connectionId);
  }
}
