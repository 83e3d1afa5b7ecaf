package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.mpr4j.server.internal.ServerRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The settings block at start: INFO for the standalone server, DEBUG for one embedded in an application. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SettingsLogLevelIT {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ServerRuntime.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private Level levelBefore;

  @BeforeEach
  void capture() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
    logger.setLevel(levelBefore);
  }

  private Level settingsBlockLevel(Function<ServerConfig, MprServer> factory) {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of("WS_PORT", "0", "APP_PORT", "0",
        "MPR_BIND_ADDRESS", "127.0.0.1", "MPR_STORE", "memory", "MPR_SHUTDOWN_GRACE_MS", "500"));
    try (MprServer server = factory.apply(config).start()) {
      List<Level> levels = events.list.stream()
          .filter(e -> e.getMessage().startsWith("MPR server starting with:"))
          .map(ILoggingEvent::getLevel)
          .toList();
      assertEquals(1, levels.size(), "one settings block: " + levels);
      return levels.get(0);
    }
  }

  @Test
  void aServerEmbeddedInAnApplicationLogsItsSettingsAtDebug() {
    assertEquals(Level.DEBUG, settingsBlockLevel(MprServer::create));
  }

  @Test
  void theStandaloneServerLogsItsSettingsAtInfo() {
    assertEquals(Level.INFO, settingsBlockLevel(MprServer::standalone));
  }
}
