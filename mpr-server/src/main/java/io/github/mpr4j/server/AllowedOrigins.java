package io.github.mpr4j.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The browser origins allowed to open the gateway's socket ({@code MPR_CALLBACK_ALLOWED_ORIGINS}): a set of
 * {@code scheme://host[:port]} values, compared with the {@code Origin} header of an upgrade request. Empty
 * allows every origin. A request without an {@code Origin} header does not come from a browser page and
 * is not an origin's request: it passes (a non-browser client can send any header it likes, so refusing it
 * would protect nothing).
 *
 * @param origins the allowed origins, normalized: lower case, no trailing slash, no default port
 */
public record AllowedOrigins(Set<String> origins) {
  public static final String MPR_CALLBACK_ALLOWED_ORIGINS = "MPR_CALLBACK_ALLOWED_ORIGINS";

  public AllowedOrigins {
    origins = Set.copyOf(origins);
  }

  /** Every origin allowed. */
  public static AllowedOrigins any() {
    return new AllowedOrigins(Set.of());
  }

  /**
   * Reads a comma-separated list, such as {@code https://app.example.com, http://localhost:8080}.
   *
   * @throws ConfigurationException naming {@value #MPR_CALLBACK_ALLOWED_ORIGINS} when an entry is not an
   *     origin
   */
  static AllowedOrigins parse(String list) {
    if (list == null) {
      return any();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String entry : list.split(",", -1)) {
      if (!entry.isBlank()) {
        out.add(normalize(entry.strip()));
      }
    }
    if (out.isEmpty()) {
      throw new ConfigurationException(MPR_CALLBACK_ALLOWED_ORIGINS,
          "lists no origin (leave it unset to allow every origin)");
    }
    return new AllowedOrigins(out);
  }

  private static String normalize(String origin) {
    if ("null".equals(origin)) {
      return origin; // the opaque origin of sandboxed frames and file: pages, only when listed explicitly
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(MPR_CALLBACK_ALLOWED_ORIGINS, "'" + origin + "' is not an origin: "
          + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath());
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null || !pathless
        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new ConfigurationException(MPR_CALLBACK_ALLOWED_ORIGINS, "'" + origin
          + "' is not an origin: expected scheme://host[:port], such as https://app.example.com");
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /** Whether a list is set (otherwise every origin is allowed). */
  public boolean restricted() {
    return !origins.isEmpty();
  }

  /**
   * Whether an upgrade request with this {@code Origin} header may proceed: always when no list is set or
   * the request has no {@code Origin}; otherwise only an origin on the list (compared without case; a
   * default port written out counts as the same origin).
   */
  public boolean allows(String originHeader) {
    if (origins.isEmpty() || originHeader == null) {
      return true;
    }
    String o = originHeader.strip();
    if ("null".equals(o)) {
      return origins.contains(o);
    }
    try {
      return origins.contains(normalize(o));
    } catch (ConfigurationException e) {
      return false; // not an origin at all
    }
  }

  @Override
  public String toString() {
    return origins.isEmpty() ? "(any origin)" : String.join(",", new TreeSet<>(origins));
  }
}
