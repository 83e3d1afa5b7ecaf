package io.github.mpr4j.core.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.bson.Document;

/**
 * One MongoDB client and its lifecycle, shared by what is built on MongoDB (the MongoDB store and the tiered
 * store's cold tier): connecting with a ping, the collections under the configured prefix, readiness, the
 * description for the settings block, and closing once.
 */
final class MongoConnection implements AutoCloseable {
  private final MongoSettings settings;
  private final MongoClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MongoConnection(MongoSettings settings, MongoClient client) {
    this.settings = settings;
    this.client = client;
  }

  /**
   * Connects, checks that MongoDB answers, and opens what {@code open} builds on the connection; closes the
   * client when either fails.
   */
  static <T> T open(MongoSettings settings, Function<MongoConnection, T> open) {
    MongoClient client = MongoClients.create(settings.clientSettings());
    try {
      client.getDatabase(settings.database()).runCommand(new Document("ping", 1));
      return open.apply(new MongoConnection(settings, client));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The collection {@code <prefix><name>} of the configured database. */
  MongoCollection<Document> collection(String name) {
    return client.getDatabase(settings.database()).getCollection(settings.collectionPrefix() + name);
  }

  /** Whether the connection is open and MongoDB has a server that takes writes. */
  boolean isReady() {
    return !closed.get() && client.getClusterDescription().hasWritableServer();
  }

  /** The settings as the settings block shows them (no secrets). */
  String describe() {
    return settings.describe();
  }

  /** Closes the client; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }
}
