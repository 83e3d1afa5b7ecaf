package io.github.mpr4j.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Plain NIO WebSocket sockets for the tools that count the server's memory per socket. */
final class RawSockets {
  private RawSockets() {}

  /**
   * Opens a socket to {@code 127.0.0.1:port}, sends the WebSocket upgrade of {@code path} and returns it
   * in blocking mode with a 10 s read timeout, before anything of the response is read.
   */
  static SocketChannel upgrade(int port, String path) throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    ch.socket().setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    return ch;
  }

  /** The socket's input stream, which honours its read timeout. */
  static InputStream in(SocketChannel ch) throws IOException {
    return ch.socket().getInputStream();
  }
}
