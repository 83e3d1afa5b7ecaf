package io.github.mpr4j.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server memory that sockets which write requests and never read their answers cost: reads the server's
 * resident set size (Linux {@code /proc/PID/status}), opens N JSON-RPC sockets that each write masked
 * {@code ping} requests without reading until the server stops reading them (no write progress for 2 s) or
 * a byte bound is reached, reads the RSS again, and prints both with the requests written.
 *
 * <pre>
 * java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.SlowReaders \
 *   --ws-port 13100 --sockets 100 --server-pid PID
 * </pre>
 * Bounded: at most {@code --max-mib} (default 64) MiB written per socket, the whole run within 5 minutes.
 */
public final class SlowReaders {
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  private SlowReaders() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int port = Integer.parseInt(opts.getOrDefault("ws-port", "3100"));
    int sockets = Integer.parseInt(opts.getOrDefault("sockets", "100"));
    long maxBytes = Long.parseLong(opts.getOrDefault("max-mib", "64")) * 1024 * 1024;
    long pid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
    if (pid == 0) {
      throw new IllegalArgumentException("--server-pid is needed to read the server's memory");
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    long before = rss(pid);
    List<SocketChannel> open = new ArrayList<>(sockets);
    long[] written = new long[sockets];
    try {
      for (int i = 0; i < sockets; i++) {
        open.add(upgrade(port));
      }
      byte[] frame = maskedText("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
      ByteBuffer chunk = ByteBuffer.allocate(frame.length * 256);
      while (chunk.remaining() >= frame.length) {
        chunk.put(frame);
      }
      chunk.flip();
      ByteBuffer[] pending = new ByteBuffer[sockets]; // the rest of a chunk written in part
      long[] lastProgress = new long[sockets];
      java.util.Arrays.fill(lastProgress, System.nanoTime());
      boolean[] stalled = new boolean[sockets];
      int active = sockets;
      while (active > 0 && System.nanoTime() < deadline) {
        active = 0;
        for (int i = 0; i < open.size(); i++) {
          if (stalled[i]) {
            continue;
          }
          if (pending[i] == null) {
            pending[i] = chunk.duplicate();
          }
          int n = open.get(i).write(pending[i]);
          if (n > 0) {
            written[i] += n;
            lastProgress[i] = System.nanoTime();
          }
          if (!pending[i].hasRemaining()) {
            pending[i] = null;
          }
          if (System.nanoTime() - lastProgress[i] > TimeUnit.SECONDS.toNanos(2) || written[i] >= maxBytes) {
            stalled[i] = true;
          } else {
            active++;
          }
        }
        Thread.sleep(1);
      }
      Thread.sleep(2000); // let the last answers settle
      long after = rss(pid);
      long total = 0;
      long most = 0;
      for (long w : written) {
        total += w;
        most = Math.max(most, w);
      }
      System.out.printf(Locale.ROOT, "sockets: %d, requests written: %,d (%.1f MiB; at most %.1f MiB on one socket)%n",
          open.size(), total / frame.length, total / 1048576.0, most / 1048576.0);
      System.out.printf(Locale.ROOT, "server RSS: %.1f MiB before, %.1f MiB with the sockets (+%.1f MiB, %.2f MiB per socket)%n",
          before / 1048576.0, after / 1048576.0, (after - before) / 1048576.0,
          (after - before) / 1048576.0 / open.size());
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

  /** Opens the JSON-RPC socket, reads the 101 response, and returns the channel in non-blocking mode. */
  private static SocketChannel upgrade(int port) throws IOException {
    SocketChannel ch = RawSockets.upgrade(port, "/");
    var stream = RawSockets.in(ch);
    StringBuilder seen = new StringBuilder();
    byte[] in = new byte[1];
    while (!seen.toString().endsWith("\r\n\r\n")) { // byte by byte: nothing after the response is consumed
      if (stream.read(in) < 0 || seen.length() > 8192) {
        throw new IOException("no upgrade response: " + seen);
      }
      seen.append((char) in[0]);
    }
    if (!seen.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + seen.toString().lines().findFirst().orElse(""));
    }
    ch.configureBlocking(false);
    return ch;
  }

  /** A masked text frame, as a client must send (payloads under 126 bytes). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    byte[] f = new byte[2 + 4 + payload.length];
    f[0] = (byte) 0x81;
    f[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, f, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      f[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return f;
  }

  private static long rss(long pid) throws IOException {
    Matcher m = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    if (!m.find()) {
      throw new IOException("no VmRSS for process " + pid);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }
}
