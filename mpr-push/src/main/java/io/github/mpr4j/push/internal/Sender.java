package io.github.mpr4j.push.internal;

import io.github.mpr4j.core.spi.PushRequest;
import java.util.concurrent.CompletableFuture;

/** Sends one notification through one provider. */
public interface Sender extends AutoCloseable {

  /** Starts sending; the future never fails (a failure is an {@link Outcome}). Must not block. */
  CompletableFuture<Outcome> send(PushRequest request);

  @Override
  void close();
}
