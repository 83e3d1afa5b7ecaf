package io.github.mpr4j.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MprClientBuilderTest {
  private static String refusal(MprClient.Builder b) {
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  private static MprClient.Builder valid() {
    return MprClient.builder().uri(URI.create("ws://127.0.0.1:1/"));
  }

  @Test
  void buildNamesTheSettingThatIsMissingOrOutOfRange() {
    assertEquals("uri is required", refusal(MprClient.builder()));
    assertEquals("uri must start with ws:// or wss://, not http://localhost/",
        refusal(MprClient.builder().uri(URI.create("http://localhost/"))));
    assertEquals("requestTimeout must be positive, not PT0S", refusal(valid().requestTimeout(Duration.ZERO)));
    assertEquals("reconnectBackoff max (PT0.1S) must not be less than initial (PT1S)",
        refusal(valid().reconnectBackoff(Duration.ofSeconds(1), Duration.ofMillis(100))));
    assertEquals("reconnectJitter must be from 0 to 1, not 1.5", refusal(valid().reconnectJitter(1.5)));
    assertEquals("maxReconnectAttempts must be at least 1, not 0", refusal(valid().maxReconnectAttempts(0)));
    assertEquals("maxInFlight must be at least 1, not 0", refusal(valid().maxInFlight(0)));
    assertEquals("maxWaitingCalls must not be negative, not -1", refusal(valid().maxWaitingCalls(-1)));
    assertEquals("authToken must be printable ASCII without spaces", refusal(valid().authToken("a b")));
  }
}
