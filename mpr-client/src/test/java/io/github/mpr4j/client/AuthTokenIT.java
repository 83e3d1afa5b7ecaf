package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.server.testing.MprTestServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthTokenIT {

  @Test
  void theTokenIsSentAsABearerHeaderAndAWrongOneIsRefused() throws Exception {
    try (MprTestServer server = MprTestServer.start(Map.of("MPR_AUTH_TOKENS", "s3cret"))) {
      try (MprClient good = Fixtures.client(server.wsUri()).authToken("s3cret").build()) {
        assertNull(get(good.ping()));
      }
      MprClient bad = Fixtures.client(server.wsUri()).authToken("wrong").maxReconnectAttempts(1).build();
      Throwable t = failure(bad.whenConnected());
      assertInstanceOf(MprTransportException.class, t);
      assertTrue(String.valueOf(t.getCause()).contains("401"), String.valueOf(t.getCause()));
      bad.close();
    }
  }
}
