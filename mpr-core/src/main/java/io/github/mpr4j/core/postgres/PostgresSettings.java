package io.github.mpr4j.core.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach PostgreSQL. Immutable; start from {@link #of(String)} and change settings with the
 * {@code with...} methods. {@link #toString()} never shows the password.
 *
 * @param jdbcUrl a JDBC URL without credentials, {@code jdbc:postgresql://host[:port]/database[?options]}
 * @param user the user, or {@code null} for the driver's default (the URL's {@code user} option)
 * @param password the password, or {@code null}
 * @param poolSize the most connections the pool opens
 * @param statementTimeout the bound on one statement ({@code statement_timeout}) and on waiting for a pooled
 *     connection: a call made while PostgreSQL is unreachable or stuck fails within about this time
 * @param connectTimeout the bound on opening a connection (the driver's {@code connectTimeout}, whole seconds)
 *     and on waiting for one from the pool, or {@code null} for {@link #connectTimeout()}'s default
 * @param socketTimeout the bound on waiting for any reply of the server (the driver's {@code socketTimeout},
 *     whole seconds): a call to a server that hangs (stopped, not dead) fails within about this time; or
 *     {@code null} for {@link #socketTimeout()}'s default
 */
public record PostgresSettings(String jdbcUrl, @Nullable String user, @Nullable String password,
    int poolSize, Duration statementTimeout, @Nullable Duration connectTimeout,
    @Nullable Duration socketTimeout) {

  /** The default most connections: enough for the worker threads' group commits and the takes beside them. */
  public static final int DEFAULT_POOL_SIZE = 16;
  /** The default bound on one statement. */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);

  public PostgresSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("expected a PostgreSQL URL like postgresql://user:password@host:5432/db"
          + " or jdbc:postgresql://host:5432/db");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, not " + poolSize);
    }
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (statementTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("statementTimeout must be at least 1 ms");
    }
    if (connectTimeout != null && connectTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("connectTimeout must be at least 1 ms");
    }
    if (socketTimeout != null && socketTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("socketTimeout must be at least 1 ms");
    }
  }

  /**
   * Settings whose connect and socket timeouts are derived from the statement timeout.
   *
   * @param jdbcUrl a JDBC URL without credentials
   * @param user the user, or {@code null}
   * @param password the password, or {@code null}
   * @param poolSize the most connections the pool opens
   * @param statementTimeout the bound on one statement
   */
  public PostgresSettings(String jdbcUrl, @Nullable String user, @Nullable String password, int poolSize,
      Duration statementTimeout) {
    this(jdbcUrl, user, password, poolSize, statementTimeout, null, null);
  }

  /**
   * The bound on opening a connection: as set, else the statement timeout (at least 1 s).
   *
   * @return the connect timeout
   */
  @Override
  public Duration connectTimeout() {
    return connectTimeout != null ? connectTimeout : max(Duration.ofSeconds(1), statementTimeout);
  }

  /**
   * The bound on waiting for a reply of the server: as set, else the statement timeout plus 2 s, so that a
   * statement that runs long gets PostgreSQL's own timeout error first, and only a server that does not
   * answer at all is given up on.
   *
   * @return the socket timeout
   */
  @Override
  public Duration socketTimeout() {
    return socketTimeout != null ? socketTimeout : statementTimeout.plusSeconds(2);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * A server reached through a URL, with the default settings: {@code postgresql://user:password@host:port/db}
   * (also {@code postgres://}, as {@code DATABASE_URL} is often written, with {@code ?options} passed to the
   * driver), or a JDBC URL {@code jdbc:postgresql://host:port/db?user=...&password=...}.
   *
   * @param url the URL
   * @return the settings
   * @throws IllegalArgumentException when it is not such a URL (the message never shows it: it may hold a
   *     password)
   */
  public static PostgresSettings of(String url) {
    Objects.requireNonNull(url, "url");
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresSettings(url, null, null, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT);
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw notAUrl();
    }
    if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme()) || u.getHost() == null) {
      throw notAUrl();
    }
    String user = null;
    String password = null;
    String info = u.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String jdbc = "jdbc:postgresql://" + host + (u.getPort() < 0 ? "" : ":" + u.getPort()) + path
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    return new PostgresSettings(jdbc, user, password, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException notAUrl() {
    return new IllegalArgumentException("expected a PostgreSQL URL like postgresql://user:password@host:5432/db"
        + " or jdbc:postgresql://host:5432/db");
  }

  /**
   * These settings with another pool size.
   *
   * @param size the most connections, at least 1
   * @return the new settings
   */
  public PostgresSettings withPoolSize(int size) {
    return new PostgresSettings(jdbcUrl, user, password, size, statementTimeout, connectTimeout, socketTimeout);
  }

  /**
   * These settings with another statement timeout.
   *
   * @param timeout at least 1 ms
   * @return the new settings
   */
  public PostgresSettings withStatementTimeout(Duration timeout) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize, timeout, connectTimeout, socketTimeout);
  }

  /**
   * These settings with another connect timeout.
   *
   * @param timeout at least 1 ms (the driver rounds it up to whole seconds)
   * @return the new settings
   */
  public PostgresSettings withConnectTimeout(Duration timeout) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize, statementTimeout,
        Objects.requireNonNull(timeout, "timeout"), socketTimeout);
  }

  /**
   * These settings with another socket timeout.
   *
   * @param timeout at least 1 ms (the driver rounds it up to whole seconds)
   * @return the new settings
   */
  public PostgresSettings withSocketTimeout(Duration timeout) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize, statementTimeout, connectTimeout,
        Objects.requireNonNull(timeout, "timeout"));
  }

  /** Whole seconds for the driver, rounded up (at least 1). */
  static long driverSeconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  /** The settings with the password masked, and the URL without its query (which may carry one). */
  @Override
  public String toString() {
    int q = jdbcUrl.indexOf('?');
    return "PostgresSettings[jdbcUrl=" + (q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...") + ", user=" + user
        + ", password=" + (password == null ? "none" : "****") + ", poolSize=" + poolSize
        + ", statementTimeout=" + statementTimeout + ", connectTimeout=" + connectTimeout()
        + ", socketTimeout=" + socketTimeout() + "]";
  }
}
