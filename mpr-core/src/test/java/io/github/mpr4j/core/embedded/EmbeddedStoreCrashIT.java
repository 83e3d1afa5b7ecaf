package io.github.mpr4j.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM that appends to the embedded store from several threads, then checks that
 * every append it acknowledged is in the store, in order per connection, once.
 */
@Timeout(120)
class EmbeddedStoreCrashIT {

  private static final int THREADS = 8;
  private static final int ACKS_BEFORE_KILL = 3000;

  @TempDir
  Path dir;

  @Test
  void every_acknowledged_append_survives_a_kill_of_the_process() throws Exception {
    Path storeDir = dir.resolve("store");
    Path stderr = dir.resolve("child-stderr.txt");
    Process child = startChild(storeDir, stderr);
    Map<String, List<String>> acked = new HashMap<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("READY", firstLine(out, child, stderr));
      a_second_process_cannot_open_the_directory(storeDir);

      int count = 0;
      String line;
      while (count < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        count += record(line, acked);
      }
      assertEquals(ACKS_BEFORE_KILL, count, () -> "the child ended early: " + read(stderr));
      // SIGKILL: no shutdown hook, no close. It also closes our end of the pipe, so acknowledgements the
      // child printed after the last line read are not checked; every one that was read is.
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }

    try (QueueStore store = QueueStores.embedded(storeDir)) {
      for (Map.Entry<String, List<String>> e : acked.entrySet()) {
        List<String> stored = ids(store.take(new TakeRequest(e.getKey(), null, Integer.MAX_VALUE,
            Long.MAX_VALUE, false, 0, 1)));
        assertEquals(stored.size(), new HashSet<>(stored).size(), "no duplicates in " + e.getKey());
        assertTrue(stored.containsAll(e.getValue()), "every acknowledged id of " + e.getKey() + " is there");
        assertEachWritersOrder(e.getKey(), stored);
      }
      the_sequence_continues_after_the_crash(store);
    }
  }

  private static void a_second_process_cannot_open_the_directory(Path storeDir) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> QueueStores.embedded(storeDir));
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
  }

  private static void the_sequence_continues_after_the_crash(QueueStore store) {
    store.append(new StoredMessage("after-crash", "shared", List.of("did:example:r"), 0,
        io.github.mpr4j.protocol.EncryptedMessage.ofJson("{}"), 0));
    List<String> shared = ids(store.take(new TakeRequest("shared", null, Integer.MAX_VALUE, Long.MAX_VALUE,
        false, 0, 1)));
    assertFalse(shared.isEmpty());
    assertEquals("after-crash", shared.get(shared.size() - 1));
  }

  /** Within a connection, the messages of each writer thread are in the order it appended them. */
  private static void assertEachWritersOrder(String connection, List<String> stored) {
    Map<String, Long> last = new HashMap<>();
    for (String id : stored) {
      String thread = id.substring(0, id.indexOf('-'));
      long n = Long.parseLong(id.substring(id.indexOf('-') + 1));
      Long previous = last.put(thread, n);
      assertTrue(previous == null || previous < n, connection + ": " + id + " after " + thread + "-" + previous);
    }
  }

  private static Process startChild(Path storeDir, Path stderr) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        CrashingAppender.class.getName(), storeDir.toString(), String.valueOf(THREADS))
        .redirectError(stderr.toFile())
        .start();
  }

  private static String firstLine(BufferedReader out, Process child, Path stderr) throws IOException {
    for (int i = 0; i < 100; i++) { // skip anything a library may print first
      String line = out.readLine();
      if (line == null) {
        throw new AssertionError("the child ended (" + child.onExit().join().exitValue() + "): " + read(stderr));
      }
      if (line.equals("READY")) {
        return line;
      }
    }
    throw new AssertionError("no READY from the child");
  }

  /** Records an ACK line; returns 1 for an acknowledgement, 0 for anything else. */
  private static int record(String line, Map<String, List<String>> acked) {
    String[] parts = line.split(" ");
    if (parts.length != 3 || !parts[0].equals("ACK")) {
      return 0;
    }
    acked.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
    return 1;
  }

  private static List<String> ids(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::id).toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }
}
