package io.github.mpr4j.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A token that WebSocket clients present on the upgrade, with the rights it grants.
 *
 * @param secret the token itself
 * @param rights what a socket opened with the token may do (non-empty)
 */
public record AuthToken(String secret, Set<Right> rights) {

  /** What a socket may do; ping and rpc.on/rpc.off need no right. */
  public enum Right {
    /** addMessage. */
    SEND,
    /**
     * takeFromQueue, removeMessages, removeAllMessages, getAvailableMessageCount, addLiveSession,
     * removeLiveSession, getLiveSession.
     */
    PICKUP
  }

  public AuthToken {
    Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    if (rights == null || rights.isEmpty()) {
      throw new IllegalArgumentException("rights must not be empty");
    }
    rights = Set.copyOf(rights);
  }

  /** A token with every right. */
  public static AuthToken allRights(String secret) {
    return new AuthToken(secret, EnumSet.allOf(Right.class));
  }

  /** The token with its secret masked, for logs. */
  @Override
  public String toString() {
    if (rights.size() == Right.values().length) {
      return "****:all";
    }
    return "****:" + rights.stream().sorted().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("+"));
  }
}
