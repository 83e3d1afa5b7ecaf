package io.github.mpr4j.server;

import java.net.URI;
import java.time.Duration;

/**
 * Browser authentication of the callback gateway against the backend ({@code MPR_CALLBACK_AUTH_*}): a
 * browser opening {@code /callback/ws} presents a token, which the gateway validates with one HTTP call to
 * {@link #url()} and caches.
 *
 * @param url the backend's validation endpoint, {@code http} or {@code https} ({@code MPR_CALLBACK_AUTH_URL})
 * @param timeout bound on one validation call, connecting included; slower: 503 ({@code MPR_CALLBACK_AUTH_TIMEOUT_MS})
 * @param cacheTtl how long a positive answer is reused ({@code MPR_CALLBACK_AUTH_CACHE_MS}; 0: never cached);
 *     never past the {@code exp} the backend gave
 * @param negativeCacheTtl how long a refusal is reused ({@code MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS}; 0: never)
 * @param cacheEntries answers kept at most; when full, expired ones go first, then any
 *     ({@code MPR_CALLBACK_AUTH_CACHE_ENTRIES})
 * @param maxBrowsersPerUser registrations one user's list keeps, the newest ones
 *     ({@code MPR_CALLBACK_MAX_BROWSERS_PER_USER})
 */
public record CallbackAuthConfig(URI url, Duration timeout, Duration cacheTtl, Duration negativeCacheTtl,
    int cacheEntries, int maxBrowsersPerUser) {

  public static final String MPR_CALLBACK_AUTH_URL = "MPR_CALLBACK_AUTH_URL";
  public static final String MPR_CALLBACK_AUTH_TIMEOUT_MS = "MPR_CALLBACK_AUTH_TIMEOUT_MS";
  public static final String MPR_CALLBACK_AUTH_CACHE_MS = "MPR_CALLBACK_AUTH_CACHE_MS";
  public static final String MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS = "MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS";
  public static final String MPR_CALLBACK_AUTH_CACHE_ENTRIES = "MPR_CALLBACK_AUTH_CACHE_ENTRIES";
  public static final String MPR_CALLBACK_MAX_BROWSERS_PER_USER = "MPR_CALLBACK_MAX_BROWSERS_PER_USER";

  public CallbackAuthConfig {
    if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_URL, "must be an http or https URL, not '" + url + "'");
    }
    if (timeout.toMillis() < 1) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_TIMEOUT_MS, "must be at least 1 ms, not " + timeout.toMillis());
    }
    if (cacheTtl.isNegative()) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_CACHE_MS, "must not be negative");
    }
    if (negativeCacheTtl.isNegative()) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS, "must not be negative");
    }
    if (cacheEntries < 1) {
      throw new ConfigurationException(MPR_CALLBACK_AUTH_CACHE_ENTRIES, "must be at least 1, not " + cacheEntries);
    }
    if (maxBrowsersPerUser < 1) {
      throw new ConfigurationException(MPR_CALLBACK_MAX_BROWSERS_PER_USER, "must be at least 1, not "
          + maxBrowsersPerUser);
    }
  }

  /** The settings as {@code NAME=value} lines (the URL without its query, which may hold a secret). */
  String describe() {
    String shown = url.getScheme() + "://" + url.getRawAuthority().replaceAll("^[^@]*@", "***@") + url.getRawPath();
    return "\n  " + MPR_CALLBACK_AUTH_URL + "=" + shown
        + "\n  " + MPR_CALLBACK_AUTH_TIMEOUT_MS + "=" + timeout.toMillis()
        + "\n  " + MPR_CALLBACK_AUTH_CACHE_MS + "=" + cacheTtl.toMillis()
        + "\n  " + MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS + "=" + negativeCacheTtl.toMillis()
        + "\n  " + MPR_CALLBACK_AUTH_CACHE_ENTRIES + "=" + cacheEntries
        + "\n  " + MPR_CALLBACK_MAX_BROWSERS_PER_USER + "=" + maxBrowsersPerUser;
  }
}
