package io.github.mpr4j.server;

import static io.github.mpr4j.core.TestSockets.closeQuietly;
import static io.github.mpr4j.core.TestSockets.contains;
import static io.github.mpr4j.core.TestSockets.daemon;

import io.github.mpr4j.core.TestSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on the loopback address in front of a MongoDB server that, once armed, holds back the reply
 * to the next {@code insert} into {@code collection} (and everything after it on that connection): the
 * insert is done in MongoDB, the client waits for its answer. Other connections (the driver's monitors)
 * go on. Lets a test kill a process at a chosen point of a MongoDB write, as a crash there would.
 */
final class MongoReplyHolder implements AutoCloseable {
  private static final byte[] INSERT = "insert\0".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final int targetPort;
  private final byte[] collection;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean armed;
  private volatile boolean closed;

  MongoReplyHolder(int targetPort, String collection) throws IOException {
    this.targetPort = targetPort;
    this.collection = collection.getBytes(StandardCharsets.US_ASCII);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "mongo-reply-holder");
    accept.setDaemon(true);
    accept.start();
  }

  /** {@code mongodb://127.0.0.1:<port>}. */
  String connectionString() {
    return "mongodb://127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on, the next insert into the collection is not answered. */
  void arm() {
    armed = true;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        sockets.add(client);
        sockets.add(server);
        Connection c = new Connection();
        daemon("mongo-reply-holder-pump", () -> pump(client, server, c, true));
        daemon("mongo-reply-holder-pump", () -> pump(server, client, c, false));
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Whether a connection's replies are held back. */
  private static final class Connection {
    volatile boolean held;
  }

  private void pump(Socket from, Socket to, Connection c, boolean request) {
    byte[] buffer = new byte[1 << 16];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (request && armed && contains(buffer, n, INSERT) && contains(buffer, n, collection)) {
          armed = false;
          c.held = true;
        }
        if (!request && c.held) {
          return; // dropped, and the connection stays open: the client waits for an answer that never comes
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed
    }
    if (!c.held) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    sockets.forEach(TestSockets::closeQuietly);
  }
}
