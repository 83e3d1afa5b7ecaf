package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestSockets.closeQuietly;
import static io.github.mpr4j.core.TestSockets.contains;
import static io.github.mpr4j.core.TestSockets.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on the loopback address in front of one Redis node that, once armed, loses the reply to the
 * next request containing a marker: the request reaches Redis and runs, its reply is thrown away and the
 * connection is closed, as a network failure right after the write would do. Connections opened after that
 * (the client's retry) are held, their requests not forwarded, until {@link #release()}, so that a test can
 * act in between.
 */
final class RedisReplyDropper implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Socket[]> held = new ArrayList<>();
  private final CountDownLatch dropped = new CountDownLatch(1);
  private volatile byte[] marker;
  private boolean holding;
  private volatile boolean closed;

  RedisReplyDropper(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("redis-reply-dropper", this::accept);
  }

  /** {@code 127.0.0.1:<port>}. */
  String hostPort() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** The reply to the next request that contains {@code text} is lost. */
  void dropNextReplyTo(String text) {
    marker = text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Waits until a reply was dropped. */
  boolean awaitDropped(long timeout, TimeUnit unit) throws InterruptedException {
    return dropped.await(timeout, unit);
  }

  /** Connections opened since the drop start to talk to Redis. */
  void release() {
    List<Socket[]> pairs;
    synchronized (held) {
      holding = false;
      pairs = new ArrayList<>(held);
      held.clear();
    }
    for (Socket[] pair : pairs) {
      pipe(pair[0], pair[1]);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        sockets.add(client);
        sockets.add(server);
        synchronized (held) {
          if (holding) {
            held.add(new Socket[] {client, server});
            continue;
          }
        }
        pipe(client, server);
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private void pipe(Socket client, Socket server) {
    Connection c = new Connection();
    daemon("redis-reply-dropper-pump", () -> pump(client, server, c, true));
    daemon("redis-reply-dropper-pump", () -> pump(server, client, c, false));
  }

  /** Whether the next reply on a connection is to be lost. */
  private static final class Connection {
    volatile boolean dropReply;
  }

  private void pump(Socket from, Socket to, Connection c, boolean request) {
    byte[] buffer = new byte[1 << 16];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        byte[] m = marker;
        if (request && m != null && contains(buffer, n, m)) {
          marker = null;
          c.dropReply = true;
          synchronized (held) {
            holding = true;
          }
        }
        if (!request && c.dropReply) {
          dropped.countDown();
          break; // the reply is lost with the connection
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
