package io.github.mpr4j.core.postgres;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether PostgreSQL can be reached, as the last operations found. A failure to reach it marks the store
 * down: requests then fail at once (instead of each waiting for the pool's timeout) until the heartbeat,
 * which keeps probing, or any other operation succeeds again. A statement the server refused does not
 * count: only unreachability does ({@link Sql#isUnreachable}).
 */
final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);

  private final String description;
  private volatile String downReason;

  Health(String description) {
    this.description = description;
  }

  /** Why the store is down, or empty when it is up. Never blocks. */
  Optional<String> downReason() {
    String r = downReason;
    return r == null ? Optional.empty() : Optional.of(r);
  }

  void failed(Throwable t) {
    if (Sql.isUnreachable(t)) {
      if (downReason == null) {
        log.warn("{} cannot be reached: {}", description, t.toString());
      }
      downReason = description + " cannot be reached: " + t.getMessage();
    }
  }

  void succeeded() {
    if (downReason != null) {
      downReason = null;
      log.info("{} can be reached again", description);
    }
  }
}
