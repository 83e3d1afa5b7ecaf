package io.github.mpr4j.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The push notification settings of an {@link MprServer}, part of {@link ServerConfig}. The provider
 * variables are those of the TypeScript server; a provider whose variables are unset is off. Files are read
 * only when the server starts: a missing or unreadable file turns that provider off (logged), it never stops
 * the server.
 *
 * @param firebaseCfgFile the FCM service account JSON ({@code FIREBASE_CFG_FILE}), or null: FCM off
 * @param apnsCfgFile the APNs JSON {@code {keyId, teamId, production}} ({@code APNS_CFG_FILE}), or null
 * @param apnsKeyFile the APNs .p8 signing key ({@code APNS_PATH_KEY}), or null
 * @param apnsTopic the app's bundle id ({@code APNS_TOPIC}), or null
 * @param dataOnly silent notifications without alert ({@code NOTIFICATION_DATA_ONLY})
 * @param title the alert's title ({@code MPR_PUSH_TITLE})
 * @param body the alert's text ({@code MPR_PUSH_BODY})
 * @param dedupWindow at most one push per token within it ({@code MPR_PUSH_DEDUP_WINDOW_MS}; 0: off)
 * @param queueCapacity pushes each provider's queue holds before dropping ({@code MPR_PUSH_QUEUE_CAPACITY})
 * @param apnsServer {@code host:port} of the APNs server instead of Apple's ({@code MPR_APNS_SERVER}), or null
 * @param apnsTrustedCa PEM certificates to trust for that server ({@code MPR_APNS_TRUSTED_CA}), or null
 * @param apnsMaxInFlight APNs notifications waiting for an answer at once ({@code MPR_APNS_MAX_IN_FLIGHT})
 * @param fcmEndpoint base URL of the FCM v1 API instead of Google's ({@code MPR_FCM_ENDPOINT}), or null
 * @param fcmMaxInFlight FCM sends waiting for an answer at once ({@code MPR_FCM_MAX_IN_FLIGHT})
 */
public record PushConfig(
    Path firebaseCfgFile,
    Path apnsCfgFile,
    Path apnsKeyFile,
    String apnsTopic,
    boolean dataOnly,
    String title,
    String body,
    Duration dedupWindow,
    int queueCapacity,
    String apnsServer,
    Path apnsTrustedCa,
    int apnsMaxInFlight,
    URI fcmEndpoint,
    int fcmMaxInFlight) {

  public static final String FIREBASE_CFG_FILE = "FIREBASE_CFG_FILE";
  public static final String APNS_CFG_FILE = "APNS_CFG_FILE";
  public static final String APNS_PATH_KEY = "APNS_PATH_KEY";
  public static final String APNS_TOPIC = "APNS_TOPIC";
  public static final String NOTIFICATION_DATA_ONLY = "NOTIFICATION_DATA_ONLY";
  public static final String MPR_PUSH_TITLE = "MPR_PUSH_TITLE";
  public static final String MPR_PUSH_BODY = "MPR_PUSH_BODY";
  public static final String MPR_PUSH_DEDUP_WINDOW_MS = "MPR_PUSH_DEDUP_WINDOW_MS";
  public static final String MPR_PUSH_QUEUE_CAPACITY = "MPR_PUSH_QUEUE_CAPACITY";
  public static final String MPR_APNS_SERVER = "MPR_APNS_SERVER";
  public static final String MPR_APNS_TRUSTED_CA = "MPR_APNS_TRUSTED_CA";
  public static final String MPR_APNS_MAX_IN_FLIGHT = "MPR_APNS_MAX_IN_FLIGHT";
  public static final String MPR_FCM_ENDPOINT = "MPR_FCM_ENDPOINT";
  public static final String MPR_FCM_MAX_IN_FLIGHT = "MPR_FCM_MAX_IN_FLIGHT";

  public PushConfig {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    if (dedupWindow.isNegative()) {
      throw new ConfigurationException(MPR_PUSH_DEDUP_WINDOW_MS, "must not be negative");
    }
    if (queueCapacity < 1) {
      throw new ConfigurationException(MPR_PUSH_QUEUE_CAPACITY, "must be at least 1, not " + queueCapacity);
    }
    if (apnsMaxInFlight < 1) {
      throw new ConfigurationException(MPR_APNS_MAX_IN_FLIGHT, "must be at least 1, not " + apnsMaxInFlight);
    }
    if (fcmMaxInFlight < 1) {
      throw new ConfigurationException(MPR_FCM_MAX_IN_FLIGHT, "must be at least 1, not " + fcmMaxInFlight);
    }
    if (apnsServer != null) {
      serverPort(apnsServer);
    }
  }

  /** The host of {@link #apnsServer()}. */
  public String apnsServerHost() {
    return apnsServer == null ? null : apnsServer.substring(0, apnsServer.lastIndexOf(':'));
  }

  /** The port of {@link #apnsServer()}. */
  public int apnsServerPort() {
    return apnsServer == null ? 0 : serverPort(apnsServer);
  }

  private static int serverPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new ConfigurationException(MPR_APNS_SERVER, "must be host:port, not '" + hostPort + "'");
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException ex) {
      throw new ConfigurationException(MPR_APNS_SERVER, "must be host:port with a port from 1 to 65535, not '"
          + hostPort + "'");
    }
  }

  void describe(StringBuilder sb) {
    line(sb, FIREBASE_CFG_FILE, firebaseCfgFile == null ? "(unset: FCM off)" : firebaseCfgFile);
    line(sb, APNS_CFG_FILE, apnsCfgFile == null ? "(unset: APNs off)" : apnsCfgFile);
    line(sb, APNS_PATH_KEY, apnsKeyFile == null ? "(unset)" : apnsKeyFile);
    line(sb, APNS_TOPIC, apnsTopic == null ? "(unset)" : apnsTopic);
    line(sb, NOTIFICATION_DATA_ONLY, dataOnly);
    line(sb, MPR_PUSH_TITLE, title);
    line(sb, MPR_PUSH_BODY, body);
    line(sb, MPR_PUSH_DEDUP_WINDOW_MS, dedupWindow.toMillis());
    line(sb, MPR_PUSH_QUEUE_CAPACITY, queueCapacity);
    line(sb, MPR_APNS_SERVER, apnsServer == null ? "(Apple's, per APNS_CFG_FILE's production)" : apnsServer);
    line(sb, MPR_APNS_TRUSTED_CA, apnsTrustedCa == null ? "(the JDK's)" : apnsTrustedCa);
    line(sb, MPR_APNS_MAX_IN_FLIGHT, apnsMaxInFlight);
    line(sb, MPR_FCM_ENDPOINT, fcmEndpoint == null ? "(Google's)" : fcmEndpoint);
    line(sb, MPR_FCM_MAX_IN_FLIGHT, fcmMaxInFlight);
  }

  private static void line(StringBuilder sb, String name, Object value) {
    sb.append("\n  ").append(name).append('=').append(value);
  }
}
