package io.github.mpr4j.core;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackRegistries;
import io.github.mpr4j.core.embedded.QueueStores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@code CallbackQueue.addIfRegistered} on the embedded store and registry (on disk). */
class EmbeddedAddIfRegisteredTest extends AddIfRegisteredContract {
  @TempDir
  Path dir;

  @Override
  protected PickupQueue.Builder builder() {
    return PickupQueue.builder().store(QueueStores.embedded(dir.resolve("queue")));
  }

  @Override
  protected CallbackRegistry registry() {
    return CallbackRegistries.embedded(dir.resolve("registry"));
  }
}
