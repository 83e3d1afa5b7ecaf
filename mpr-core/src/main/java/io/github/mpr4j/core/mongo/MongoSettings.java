package io.github.mpr4j.core.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How to reach MongoDB and where the queue store keeps its collections. Immutable; start from {@link
 * #of(String)} and change settings with the {@code with...} methods.
 *
 * @param connectionString a MongoDB connection string, {@code mongodb://[user:password@]host[:port][,host...]
 *     [/database][?options]} or {@code mongodb+srv://...}
 * @param database the database of the collections ({@link #of(String)} takes the connection string's database
 *     path, as the driver's convention and the TypeScript server do, else {@link #DEFAULT_DATABASE})
 * @param collectionPrefix the first part of the collection names ({@code <prefix>messages},
 *     {@code <prefix>counters}), so several deployments can share one database; may be empty
 * @param timeout the bound on selecting a server, on connecting and on waiting for one answer: an
 *     operation made while MongoDB is unreachable fails within about this time (twice it at worst: a
 *     server selection, then a read)
 * @param writeConcern when MongoDB acknowledges a write, and so what an answered write survives
 */
public record MongoSettings(String connectionString, String database, String collectionPrefix, Duration timeout,
    Acknowledgement writeConcern) {

  /** The database when the connection string names none. */
  public static final String DEFAULT_DATABASE = "mpr";
  /** The default bound on one operation. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** When MongoDB acknowledges a write. */
  public enum Acknowledgement {
    /**
     * {@code w: "majority"} (the default): once a majority of the replica set has it in its journal, so
     * an answered write survives the loss of the primary and a failover.
     */
    MAJORITY,
    /**
     * {@code w: 1, j: true}: once the primary has it in its journal, so an answered write survives a
     * crash of the primary, but a failover before it replicates can roll it back.
     */
    PRIMARY
  }

  public MongoSettings {
    Objects.requireNonNull(connectionString, "connectionString");
    try {
      new ConnectionString(connectionString);
    } catch (IllegalArgumentException e) {
      // never echo the string: it may hold a password
      throw new IllegalArgumentException("expected a MongoDB connection string like mongodb://host:27017");
    }
    Objects.requireNonNull(database, "database");
    if (database.isEmpty() || database.length() > 63 || database.chars().anyMatch(ch -> "/\\. \"$".indexOf(ch) >= 0)) {
      throw new IllegalArgumentException("database must be 1 to 63 characters without / \\ . space \" $");
    }
    Objects.requireNonNull(collectionPrefix, "collectionPrefix");
    if (collectionPrefix.contains("$") || collectionPrefix.startsWith("system.")) {
      throw new IllegalArgumentException("collectionPrefix must not contain $ nor start with system.");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms");
    }
    Objects.requireNonNull(writeConcern, "writeConcern");
  }

  /**
   * A deployment reached through a connection string, with the default settings; the database is the one the
   * string names ({@code mongodb://host:27017/MessagePickupRepository}), else {@link #DEFAULT_DATABASE}.
   *
   * @throws IllegalArgumentException when the string is not a connection string (the message never shows it),
   *     or names a database MongoDB does not allow (the message starts with {@code database})
   */
  public static MongoSettings of(String connectionString) {
    String named;
    try {
      named = new ConnectionString(Objects.requireNonNull(connectionString, "connectionString")).getDatabase();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a MongoDB connection string like mongodb://host:27017");
    }
    return new MongoSettings(connectionString, named == null || named.isEmpty() ? DEFAULT_DATABASE : named, "",
        DEFAULT_TIMEOUT, Acknowledgement.MAJORITY);
  }

  public MongoSettings withDatabase(String name) {
    return new MongoSettings(connectionString, name, collectionPrefix, timeout, writeConcern);
  }

  public MongoSettings withCollectionPrefix(String prefix) {
    return new MongoSettings(connectionString, database, prefix, timeout, writeConcern);
  }

  public MongoSettings withTimeout(Duration t) {
    return new MongoSettings(connectionString, database, collectionPrefix, t, writeConcern);
  }

  public MongoSettings withWriteConcern(Acknowledgement w) {
    return new MongoSettings(connectionString, database, collectionPrefix, timeout, w);
  }

  /**
   * The driver's settings for these: the timeout bounds server selection, connecting, each read and the wait
   * for a pooled connection; writes use the write concern with the journal; reads go to the primary.
   */
  public MongoClientSettings clientSettings() {
    long ms = timeout.toMillis();
    int intMs = (int) Math.min(Integer.MAX_VALUE, ms);
    WriteConcern w = writeConcern == Acknowledgement.MAJORITY
        ? WriteConcern.MAJORITY.withJournal(true)
        : WriteConcern.W1.withJournal(true);
    return MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(connectionString))
        .applyToClusterSettings(b -> b.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(b -> b.connectTimeout(intMs, TimeUnit.MILLISECONDS)
            .readTimeout(intMs, TimeUnit.MILLISECONDS))
        .applyToConnectionPoolSettings(b -> b.maxWaitTime(ms, TimeUnit.MILLISECONDS))
        // a server marked down by a failed operation is found again within about the timeout
        .applyToServerSettings(b -> b.heartbeatFrequency(Math.max(500, Math.min(ms, 10_000)), TimeUnit.MILLISECONDS))
        .writeConcern(w)
        .readPreference(ReadPreference.primary())
        .build();
  }

  /** Where this connects, without credentials, for logs. */
  public String describe() {
    ConnectionString cs = new ConnectionString(connectionString);
    return "mongodb(" + (cs.isSrvProtocol() ? "mongodb+srv://" : "mongodb://") + String.join(",", cs.getHosts())
        + "/" + database + (collectionPrefix.isEmpty() ? "" : " prefix=" + collectionPrefix)
        + " w=" + (writeConcern == Acknowledgement.MAJORITY ? "majority" : "1") + ")";
  }

  /** Never shows the password of the connection string. */
  @Override
  public String toString() {
    return describe();
  }
}
