package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.AuthToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the tokens clients present. Tokens are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, against every configured token without stopping at a match, so the time
 * taken says nothing about how much of a token was right or which one matched.
 */
final class TokenVerifier {
  private static final Set<AuthToken.Right> ALL = Set.copyOf(EnumSet.allOf(AuthToken.Right.class));

  private final byte[][] digests;
  private final List<Set<AuthToken.Right>> rights;

  TokenVerifier(List<AuthToken> tokens) {
    this.digests = new byte[tokens.size()][];
    this.rights = tokens.stream().map(AuthToken::rights).toList();
    for (int i = 0; i < tokens.size(); i++) {
      digests[i] = sha256(tokens.get(i).secret());
    }
  }

  /** Whether tokens are required. */
  boolean enabled() {
    return digests.length > 0;
  }

  /**
   * The rights a presented token grants: every right when authentication is off, {@code null} when the
   * token is missing or wrong.
   */
  Set<AuthToken.Right> rightsOf(String presented) {
    if (!enabled()) {
      return ALL;
    }
    if (presented == null) {
      return null;
    }
    byte[] candidate = sha256(presented);
    Set<AuthToken.Right> granted = null;
    for (int i = 0; i < digests.length; i++) {
      if (MessageDigest.isEqual(digests[i], candidate)) {
        granted = rights.get(i);
      }
    }
    return granted;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
