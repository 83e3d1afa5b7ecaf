package io.github.mpr4j.client;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Looks up the {@link ConnectionInfo} of a connection for addMessage and takeFromQueue.
 *
 * <p>It is called on the thread that calls addMessage or takeFromQueue, before the request is sent, and
 * must return at once: do slow look-ups asynchronously and return their stage. A stage that completes with
 * {@code null} means nothing is known. A provider that throws or whose stage fails fails the call with an
 * {@link io.github.mpr4j.protocol.MprTransportException} whose cause is the provider's failure; the request
 * is then not sent.
 */
@FunctionalInterface
public interface ConnectionInfoProvider {
  /**
   * The information on a connection.
   *
   * @param connectionId the connection of the call
   * @return a stage with the information, or with {@code null} when nothing is known
   */
  CompletionStage<@Nullable ConnectionInfo> connectionInfo(String connectionId);
}
