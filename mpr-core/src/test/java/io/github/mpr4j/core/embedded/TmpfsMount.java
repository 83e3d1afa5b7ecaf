package io.github.mpr4j.core.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a directory, for tests of a full disk. Mounting needs root (as in CI) and Linux;
 * elsewhere {@link #mount} aborts the test with a JUnit assumption that says why. Close it in a finally
 * (try-with-resources): it unmounts.
 */
public final class TmpfsMount implements AutoCloseable {
  private final Path dir;
  private int fillers;

  private TmpfsMount(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code sizeMb} MiB on {@code dir} (created), or aborts the test when it cannot. */
  public static TmpfsMount mount(Path dir, int sizeMb) throws IOException, InterruptedException {
    Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
        "a full disk is tested on a tmpfs, which needs Linux");
    Files.createDirectories(dir);
    String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", dir.toString()));
    Assumptions.assumeTrue(out == null, () -> "cannot mount a " + sizeMb + " MiB tmpfs on " + dir
        + " (mounting needs root): " + out);
    return new TmpfsMount(dir);
  }

  public Path path() {
    return dir;
  }

  /**
   * Writes a file of at most {@code bytes} (all the free space when it is larger) and returns it: another
   * program filling the disk.
   */
  public Path fill(long bytes) throws IOException {
    Path file = dir.resolve("filler-" + (++fillers));
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (written < bytes) {
        int n = (int) Math.min(block.length, bytes - written);
        out.write(block, 0, n);
        written += n;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
    return file;
  }

  /** Bytes this process may still write on the file system. */
  public long usable() throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** Unmounts (lazily if something still holds a file open). */
  @Override
  public void close() throws IOException, InterruptedException {
    if (run(List.of("umount", dir.toString())) != null) {
      String out = run(List.of("umount", "-l", dir.toString()));
      if (out != null) {
        throw new IOException("cannot unmount " + dir + ": " + out);
      }
    }
  }

  /** Runs a command; null when it succeeded, else what it printed. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.toString();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + " did not end within 30 s";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }
}
