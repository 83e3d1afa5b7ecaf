package io.github.mpr4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCallbackRegistryTest extends CallbackRegistryContract {
  @TempDir
  Path dir;

  @Override
  protected CallbackRegistry open() {
    return CallbackRegistries.embedded(dir);
  }

  @Test
  void registrations_and_touches_survive_a_reopen() {
    registry.create("a", 0, 1000);
    registry.create("b", 0, 1000);
    registry.touch("b", 10, 50_000);
    registry.close();
    registry = open();
    assertTrue(registry.exists("a", 999));
    assertFalse(registry.exists("a", 1000));
    assertTrue(registry.exists("b", 49_999));
  }

  @Test
  void a_second_open_of_the_same_directory_is_refused() {
    assertThrows(IllegalStateException.class, () -> CallbackRegistries.embedded(dir));
  }
}
