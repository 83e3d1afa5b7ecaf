package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link EmbeddedStoreCrashIT}: opens the embedded store in {@code args[0]}, prints
 * {@code READY}, then appends from {@code args[1]} threads until it is killed. Thread {@code t} appends
 * {@code t-0, t-1, ...} alternately to its own connection {@code own-t} and to the shared connection
 * {@code shared}, and prints {@code ACK connection id} only after append returned.
 */
public final class CrashingAppender {
  private CrashingAppender() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    QueueStore store = QueueStores.embedded(dir);
    out.println("READY");
    EncryptedMessage payload = EncryptedMessage.ofJson("{\"ciphertext\":\"" + "x".repeat(500) + "\"}");
    for (int t = 0; t < threads; t++) {
      int thread = t;
      new Thread(() -> {
        for (long i = 0; ; i++) { // runs until the process is killed
          String connection = i % 2 == 0 ? "own-" + thread : "shared";
          String id = thread + "-" + i;
          store.append(new StoredMessage(id, connection, List.of("did:example:r"), i, payload, 0));
          out.println("ACK " + connection + " " + id);
        }
      }, "appender-" + t).start();
    }
  }
}
