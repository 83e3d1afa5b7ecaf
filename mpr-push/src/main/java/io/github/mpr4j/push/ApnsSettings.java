package io.github.mpr4j.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the Apple Push Notification service with token authentication, over one long-lived HTTP/2
 * connection (Pushy).
 *
 * @param signingKeyFile the .p8 signing key ({@code APNS_PATH_KEY})
 * @param keyId the key's id
 * @param teamId the developer team's id
 * @param topic the app's bundle id ({@code APNS_TOPIC})
 * @param host the APNs host; by default Apple's production or development host per {@code production}
 * @param port the APNs port (443)
 * @param trustedCaFile a PEM file of certificates to trust for that host instead of the JDK's, or null
 * @param maxInFlight notifications waiting for Apple's answer at once (Apple allows about 1,500 per
 *     connection)
 * @param connectTimeout how long connecting may take
 */
public record ApnsSettings(Path signingKeyFile, String keyId, String teamId, String topic, String host, int port,
    Path trustedCaFile, int maxInFlight, Duration connectTimeout) {

  /** Apple's production host. */
  public static final String PRODUCTION_HOST = "api.push.apple.com";
  /** Apple's development (sandbox) host. */
  public static final String DEVELOPMENT_HOST = "api.sandbox.push.apple.com";
  /** Apple's port. */
  public static final int DEFAULT_PORT = 443;
  /** The in-flight limit Apple suggests for one connection. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1500;

  public ApnsSettings {
    Objects.requireNonNull(signingKeyFile, "signingKeyFile");
    requireText("keyId", keyId);
    requireText("teamId", teamId);
    requireText("topic", topic);
    requireText("host", host);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, not " + port);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /** Settings for Apple's production or development host, with the defaults for the rest. */
  public static ApnsSettings of(Path signingKeyFile, String keyId, String teamId, String topic, boolean production) {
    return new ApnsSettings(signingKeyFile, keyId, teamId, topic, production ? PRODUCTION_HOST : DEVELOPMENT_HOST,
        DEFAULT_PORT, null, DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(10));
  }

  /**
   * Reads the TypeScript server's APNs configuration: a JSON file {@code {"keyId": .., "teamId": ..,
   * "production": true|false}} ({@code APNS_CFG_FILE}).
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it is not such a JSON object (the message says what is wrong)
   */
  public static ApnsSettings fromConfigFile(Path configFile, Path signingKeyFile, String topic) {
    JsonNode cfg;
    try {
      cfg = new ObjectMapper().readTree(Files.readAllBytes(configFile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configFile + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")", e);
    }
    if (cfg == null || !cfg.isObject()) {
      throw new IllegalArgumentException(configFile + " is not a JSON object {keyId, teamId, production}");
    }
    String keyId = text(cfg, configFile, "keyId");
    String teamId = text(cfg, configFile, "teamId");
    JsonNode production = cfg.get("production");
    boolean prod;
    if (production == null || production.isNull()) {
      prod = false;
    } else if (production.isBoolean()) {
      prod = production.booleanValue();
    } else if (production.isTextual() && ("true".equals(production.textValue()) || "false".equals(production.textValue()))) {
      prod = Boolean.parseBoolean(production.textValue());
    } else {
      throw new IllegalArgumentException(configFile + ": production must be true or false, not " + production);
    }
    return of(signingKeyFile, keyId, teamId, topic, prod);
  }

  /** These settings pointed at another server (a proxy, a staging or test server). */
  public ApnsSettings withServer(String host, int port, Path trustedCaFile) {
    return new ApnsSettings(signingKeyFile, keyId, teamId, topic, host, port, trustedCaFile, maxInFlight,
        connectTimeout);
  }

  /** These settings with another in-flight limit. */
  public ApnsSettings withMaxInFlight(int maxInFlight) {
    return new ApnsSettings(signingKeyFile, keyId, teamId, topic, host, port, trustedCaFile, maxInFlight,
        connectTimeout);
  }

  private static String text(JsonNode cfg, Path file, String name) {
    JsonNode v = cfg.get(name);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw new IllegalArgumentException(file + ": " + name + " is missing or not a non-empty string");
    }
    return v.textValue().strip();
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
