package io.github.mpr4j.core.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-process MongoDB servers for tests: mongo-java-server with its memory backend, on a free loopback
 * port, spoken to by the real driver over TCP. One shared server per test JVM (started on first use); each
 * test takes a database of its own with {@link #newDatabase()}. Tests that stop the server start a private
 * one with {@link #start()} and close it.
 *
 * <p>The server runs every command on one thread. mongo-java-server does not make a single-document update
 * atomic with respect to other connections (its findAndModify is a read, then a write); MongoDB does, and
 * the store relies on it. Serving one command at a time gives the tests MongoDB's per-document atomicity.
 */
public final class MongoServers {
  private static final AtomicInteger databases = new AtomicInteger();
  private static Server shared;

  private MongoServers() {}

  /** The shared server. */
  public static synchronized Server shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A database name no other test of this JVM uses. */
  public static String newDatabase() {
    return "test" + databases.incrementAndGet();
  }

  /** Settings for a new database on the shared server, otherwise the defaults. */
  public static MongoSettings settings() {
    return MongoSettings.of(shared().connectionString()).withDatabase(newDatabase());
  }

  /** A private server on a free port; close it when done. */
  public static Server start() {
    return new Server();
  }

  /** One mongo-java-server whose data outlives {@link #stop()}: a restart serves the same data again. */
  public static final class Server implements AutoCloseable {
    private final KeptBackend backend = new KeptBackend();
    private final int port;
    private MongoServer server;

    private Server() {
      server = new MongoServer(backend);
      server.bind(new InetSocketAddress("127.0.0.1", 0), 1, 1);
      InetSocketAddress address = server.getLocalAddress();
      port = address.getPort();
    }

    public int port() {
      return port;
    }

    /** {@code mongodb://127.0.0.1:<port>}. */
    public String connectionString() {
      return "mongodb://127.0.0.1:" + port;
    }

    /** Stops listening and closes every client connection, as a crash of the server does. */
    public synchronized void stop() {
      if (server != null) {
        server.shutdownNow();
        server = null;
      }
    }

    /** Listens again on the same port, with the same data. */
    public synchronized void restart() {
      stop();
      MongoServer s = new MongoServer(backend);
      s.bind(new InetSocketAddress("127.0.0.1", port), 1, 1);
      server = s;
    }

    @Override
    public synchronized void close() {
      stop();
      backend.closeForGood();
    }
  }

  /** A memory backend that a server's shutdown does not clear (MongoServer closes its backend on shutdown). */
  private static final class KeptBackend extends MemoryBackend {
    @Override
    public void close() {
      // kept for the next server on this port
    }

    void closeForGood() {
      super.close();
    }
  }
}
