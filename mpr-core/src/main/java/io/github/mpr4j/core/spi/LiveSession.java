package io.github.mpr4j.core.spi;

import java.util.Objects;

/**
 * The live session of a connection and who holds it.
 *
 * @param connectionId the connection
 * @param sessionId the mediator's id for the session
 * @param instanceId the instance (server process) that holds it
 * @param holderId the holder within that instance (a socket, or an embedded repository)
 */
public record LiveSession(String connectionId, String sessionId, String instanceId, String holderId) {
  public LiveSession {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(holderId, "holderId");
  }
}
