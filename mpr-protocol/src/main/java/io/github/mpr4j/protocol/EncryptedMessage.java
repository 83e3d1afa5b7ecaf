package io.github.mpr4j.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An encrypted DIDComm message (normally a JWE) as an opaque JSON object.
 *
 * <p>The repository never looks inside: it keeps the compact JSON text of the object and hands it back
 * unchanged. {@link #byteSize()} is the length in bytes of that text in UTF-8, the measure that
 * {@code limitBytes} of takeFromQueue and the payload limit of the server use.
 *
 * <p>Instances are immutable. Equality is equality of the JSON text.
 */
public final class EncryptedMessage {

  private final String json;
  private final int byteSize;

  private EncryptedMessage(String json, int byteSize) {
    this.json = json;
    this.byteSize = byteSize;
  }

  /**
   * Wraps the compact JSON text of an object. The caller vouches that the text is one JSON object; use
   * {@link io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec#encryptedMessage(String)} to parse and check
   * text of unknown origin.
   *
   * @param json the JSON text of an object, for example {@code {"protected":"...","ciphertext":"..."}}
   * @return the message
   * @throws IllegalArgumentException if the text does not start with '{' and end with '}'
   */
  public static EncryptedMessage ofJson(String json) {
    Objects.requireNonNull(json, "json");
    String trimmed = json.strip();
    if (trimmed.length() < 2 || trimmed.charAt(0) != '{' || trimmed.charAt(trimmed.length() - 1) != '}') {
      throw new IllegalArgumentException("an encrypted message must be a JSON object");
    }
    return new EncryptedMessage(trimmed, utf8Length(trimmed));
  }

  /**
   * Wraps the UTF-8 bytes of the compact JSON text of an object, as a JSON library writes them; the byte
   * size is their length. The caller vouches that they are one JSON object.
   *
   * @throws IllegalArgumentException if the bytes do not start with '{' and end with '}'
   */
  public static EncryptedMessage ofJsonUtf8(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    if (utf8.length < 2 || utf8[0] != '{' || utf8[utf8.length - 1] != '}') {
      throw new IllegalArgumentException("an encrypted message must be a JSON object");
    }
    return new EncryptedMessage(new String(utf8, StandardCharsets.UTF_8), utf8.length);
  }

  /** The compact JSON text of the object. */
  public String json() {
    return json;
  }

  /** The length in bytes of {@link #json()} encoded in UTF-8. */
  public int byteSize() {
    return byteSize;
  }

  /** The JSON text encoded in UTF-8. */
  public byte[] utf8() {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static int utf8Length(CharSequence s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // four bytes for the pair, counted as 1 + 1 chars already
          i++;
        } else if (!Character.isSurrogate(c)) {
          bytes += 2;
        } // a lone surrogate is encoded as '?', one byte

      }
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptedMessage other && json.equals(other.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json.length() <= 64 ? json : json.substring(0, 61) + "...";
  }
}
