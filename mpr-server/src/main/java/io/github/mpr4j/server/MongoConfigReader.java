package io.github.mpr4j.server;

import static io.github.mpr4j.server.ServerConfig.MONGODB_URI;
import static io.github.mpr4j.server.ServerConfig.MPR_MONGO_DATABASE;
import static io.github.mpr4j.server.ServerConfig.MPR_MONGO_TIMEOUT_MS;
import static io.github.mpr4j.server.ServerConfig.MPR_MONGO_WRITE_CONCERN;

import io.github.mpr4j.core.mongo.MongoSettings;
import java.time.Duration;
import java.util.Locale;

/** Reads the MongoDB settings: {@code MONGODB_URI}, {@code MPR_MONGO_DATABASE}, {@code MPR_MONGO_TIMEOUT_MS}, {@code MPR_MONGO_WRITE_CONCERN}. */
final class MongoConfigReader {
  private MongoConfigReader() {}

  /** The MongoDB settings, or null when MONGODB_URI is not set. */
  static MongoSettings read(Env e) {
    String uri = e.get(MONGODB_URI);
    if (uri == null) {
      return null;
    }
    MongoSettings settings;
    try {
      settings = MongoSettings.of(uri);
    } catch (IllegalArgumentException ex) {
      // never echo the URI: it may hold a password
      throw new ConfigurationException(MONGODB_URI, ex.getMessage() != null && ex.getMessage().startsWith("database")
          ? "names a database MongoDB does not allow: " + ex.getMessage()
          : "must be a connection string like mongodb://[user:password@]host:port[,host:port][/database][?options]");
    }
    String database = e.get(MPR_MONGO_DATABASE);
    if (database != null) {
      try {
        settings = settings.withDatabase(database);
      } catch (IllegalArgumentException ex) {
        throw new ConfigurationException(MPR_MONGO_DATABASE, ex.getMessage());
      }
    }
    settings = settings.withTimeout(Duration.ofMillis(e.integer(MPR_MONGO_TIMEOUT_MS, 2_000, 1)));
    String w = e.get(MPR_MONGO_WRITE_CONCERN);
    if (w != null) {
      switch (w.toLowerCase(Locale.ROOT)) {
        case "majority":
          break;
        case "1":
          settings = settings.withWriteConcern(MongoSettings.Acknowledgement.PRIMARY);
          break;
        default:
          throw new ConfigurationException(MPR_MONGO_WRITE_CONCERN, "must be majority or 1, not '" + w + "'");
      }
    }
    return settings;
  }
}
