package io.github.mpr4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket with small kernel buffers, for tests of peers that write and do not
 * read: {@link #offer} writes without blocking, and nothing is read until {@link #nextFrame} is called.
 */
final class RawWsSocket implements AutoCloseable {
  /** Socket buffer sizes asked for (the kernel may double them). */
  static final int BUFFER = 8 * 1024;

  /** A frame received from the server. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame. */
    int closeStatus() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  private final SocketChannel ch;
  private ByteBuffer pendingOut;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

  private RawWsSocket(SocketChannel ch) {
    this.ch = ch;
  }

  /** Connects to {@code ws://127.0.0.1:port/} and completes the upgrade. */
  static RawWsSocket connect(int port) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER);
    ch.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
    ch.connect(new InetSocketAddress("127.0.0.1", port));
    ch.socket().setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String upgrade = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    ch.write(ByteBuffer.wrap(upgrade.getBytes(StandardCharsets.US_ASCII)));
    RawWsSocket s = new RawWsSocket(ch);
    String head = s.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      ch.close();
      throw new IOException("upgrade refused: " + head);
    }
    ch.configureBlocking(false);
    return s;
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      one.clear();
      if (ch.read(one) < 0) {
        throw new IOException("closed during the upgrade");
      }
      head.write(one.get(0));
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** A masked text frame, as a client sends it. */
  static byte[] textFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    int n = payload.length;
    ByteBuffer b = ByteBuffer.allocate(n + 14);
    b.put((byte) 0x81);
    if (n < 126) {
      b.put((byte) (0x80 | n));
    } else if (n < 65536) {
      b.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      b.put((byte) (0x80 | 127)).putLong(n);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.put(mask);
    for (int i = 0; i < n; i++) {
      b.put((byte) (payload[i] ^ mask[i & 3]));
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** The header of a masked text frame of {@code n} payload bytes (64-bit length) and its mask, without the payload. */
  static byte[] textFrameHeader(long n) {
    ByteBuffer b = ByteBuffer.allocate(14);
    b.put((byte) 0x81).put((byte) (0x80 | 127)).putLong(n);
    b.put(new byte[] {1, 2, 3, 4});
    return b.array();
  }

  /**
   * Writes what the socket takes now of {@code frame}, without blocking; pass the same frame again until it
   * returns true.
   *
   * @return whether the frame is written whole
   */
  boolean offer(byte[] frame) throws IOException {
    if (pendingOut == null) {
      pendingOut = ByteBuffer.wrap(frame);
    }
    ch.write(pendingOut);
    if (pendingOut.hasRemaining()) {
      return false;
    }
    pendingOut = null;
    return true;
  }

  /** Writes a frame whole, waiting up to 10 s for the socket to take it. */
  void send(String text) throws IOException, InterruptedException {
    byte[] frame = textFrame(text);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!offer(frame)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the server did not take a frame within 10 s");
      }
      Thread.sleep(5);
    }
  }

  /** The next frame from the server, waiting up to {@code millis}; {@code null} at the end of the stream. */
  Frame nextFrame(long millis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    int first = readByte(deadline);
    if (first < 0) {
      return null;
    }
    int second = readByte(deadline);
    long length = second & 0x7f;
    if (length == 126) {
      length = (readByte(deadline) << 8) | readByte(deadline);
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte(deadline);
      }
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    for (int i = 0; i < payload.length; i++) {
      int b = readByte(deadline);
      if (b < 0) {
        throw new IOException("the stream ended inside a frame");
      }
      payload[i] = (byte) b;
    }
    return new Frame(first & 0x0f, payload);
  }

  private int readByte(long deadline) throws IOException, InterruptedException {
    while (!in.hasRemaining()) {
      in.clear();
      int n;
      try {
        n = ch.read(in);
      } catch (IOException e) {
        n = -1; // reset by the server
      }
      in.flip();
      if (n < 0) {
        return -1;
      }
      if (n == 0) {
        if (System.nanoTime() > deadline) {
          throw new IOException("no frame from the server in time");
        }
        Thread.sleep(2);
      }
    }
    return in.get() & 0xff;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
