package io.github.mpr4j.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server heap that idle browser sockets of the callback gateway cost: measures the server's used heap
 * after a full GC (by jcmd), opens N browser sockets on {@code /callback/ws} (each registers and receives
 * its registered frame, then stays idle), measures again, and prints the difference per socket and the
 * sockets one GiB of heap holds. The sockets are plain blocking NIO channels, so the tool itself stays
 * small; it never reads after the registered frame.
 *
 * <pre>
 * java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.CallbackIdleSockets \
 *   --app-port 13500 --sockets 5000 --server-pid PID
 * </pre>
 * The server needs {@code MPR_CALLBACK_REGISTRATIONS_PER_MINUTE} above N (all sockets come from one
 * address). Bounded: each socket must register within 10 s, the whole run within 5 minutes.
 */
public final class CallbackIdleSockets {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private CallbackIdleSockets() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int port = Integer.parseInt(opts.getOrDefault("app-port", "3500"));
    int sockets = Integer.parseInt(opts.getOrDefault("sockets", "5000"));
    long pid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
    if (pid == 0) {
      throw new IllegalArgumentException("--server-pid is needed to read the server's heap");
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    long before = heapAfterGc(pid);
    List<SocketChannel> open = new ArrayList<>(sockets);
    long started = System.nanoTime();
    try {
      for (int i = 0; i < sockets && System.nanoTime() < deadline; i++) {
        open.add(register(port));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Thread.sleep(1000); // let the last registrations settle
      long after = heapAfterGc(pid);
      double perSocket = (after - before) / (double) open.size();
      System.out.printf(Locale.ROOT, "sockets: %d registered in %.1f s%n", open.size(), seconds);
      System.out.printf(Locale.ROOT, "server heap after GC: %.1f MiB before, %.1f MiB with the sockets%n",
          before / 1048576.0, after / 1048576.0);
      System.out.printf(Locale.ROOT, "heap per idle socket: %.0f bytes; sockets per GiB of heap: %,.0f%n",
          perSocket, (1024.0 * 1024 * 1024) / perSocket);
    } finally {
      for (SocketChannel c : open) {
        try {
          c.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }

  /** Opens /callback/ws, reads the 101 response and the registered frame, and returns the open channel. */
  private static SocketChannel register(int port) throws IOException {
    SocketChannel ch = RawSockets.upgrade(port, "/callback/ws");
    ByteBuffer in = ByteBuffer.allocate(4096);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    var stream = RawSockets.in(ch);
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().contains("\"registered\"")) {
      if (System.nanoTime() > deadline) {
        throw new IOException("no registered frame within 10 s");
      }
      int n = stream.read(in.array(), 0, in.capacity());
      if (n < 0) {
        throw new IOException("closed before the registered frame: " + seen);
      }
      seen.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
    }
    if (!seen.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + seen.toString().lines().findFirst().orElse(""));
    }
    return ch;
  }

  private static long heapAfterGc(long pid) throws IOException, InterruptedException {
    exec("jcmd", Long.toString(pid), "GC.run");
    String info = exec("jcmd", Long.toString(pid), "GC.heap_info");
    Matcher m = USED.matcher(info);
    if (!m.find()) {
      throw new IOException("cannot read the heap from: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
