package io.github.mpr4j.server;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the accepted client tokens: {@code MPR_AUTH_TOKENS}, {@code secret[:right+right],...}. */
final class AuthTokensReader {
  private AuthTokensReader() {}

  /** The tokens; empty when the variable is unset (every client is accepted). */
  static List<AuthToken> read(Env env, String name) {
    String v = env.get(name);
    if (v == null) {
      return List.of();
    }
    List<AuthToken> tokens = new ArrayList<>();
    int position = 0;
    for (String entry : v.split(",", -1)) {
      position++;
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int colon = e.lastIndexOf(':');
      if (colon < 0) {
        tokens.add(AuthToken.allRights(e));
        continue;
      }
      String secret = e.substring(0, colon);
      if (secret.isEmpty()) {
        throw new ConfigurationException(name, "entry " + position + " has an empty token before ':'");
      }
      tokens.add(new AuthToken(secret, rights(name, position, e.substring(colon + 1))));
    }
    if (tokens.isEmpty()) {
      throw new ConfigurationException(name, "lists no token (leave it unset to accept every client)");
    }
    return tokens;
  }

  private static Set<AuthToken.Right> rights(String name, int position, String spec) {
    Set<AuthToken.Right> rights = EnumSet.noneOf(AuthToken.Right.class);
    for (String r : spec.split("\\+", -1)) {
      switch (r.strip().toLowerCase(Locale.ROOT)) {
        case "send":
          rights.add(AuthToken.Right.SEND);
          break;
        case "pickup":
          rights.add(AuthToken.Right.PICKUP);
          break;
        default:
          // never echo the entry: it holds a secret
          throw new ConfigurationException(name, "entry " + position
              + " has an unknown right (rights are send and pickup, joined with '+', as in secret:send+pickup)");
      }
    }
    return rights;
  }
}
