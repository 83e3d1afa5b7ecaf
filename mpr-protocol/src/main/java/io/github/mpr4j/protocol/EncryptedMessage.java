package io.github.mpr4j.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An encrypted DIDComm message (normally a JWE) as an opaque JSON object.
 *
 * <p>The repository never looks inside: it keeps the compact JSON text of the object and hands it back
 * unchanged. {@link #byteSize()} is the length in bytes of that text in UTF-8, the measure that
 * {@code limitBytes} of takeFromQueue and the payload limit of the server use.
 *
 * <p>Instances are immutable. Equality is equality of the JSON text. An instance keeps the text's UTF-8 bytes,
 * which is what stores and sockets carry, and decodes them to a {@code String} only when asked for one.
 */
public final class EncryptedMessage {

  private final byte[] utf8; // the text in UTF-8; never handed out, so never changed
  private String json; // decoded when first asked for (racy but safe: a String is immutable)

  private EncryptedMessage(byte[] utf8, String json) {
    this.utf8 = utf8;
    this.json = json;
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
    return new EncryptedMessage(trimmed.getBytes(StandardCharsets.UTF_8), trimmed);
  }

  /**
   * Wraps the UTF-8 bytes of the compact JSON text of an object, as a JSON library writes them; the byte
   * size is their length. The caller vouches that they are one JSON object. The bytes are copied.
   *
   * @param utf8 the UTF-8 bytes of the JSON text of an object
   * @return the message
   * @throws IllegalArgumentException if the bytes do not start with '{' and end with '}'
   */
  public static EncryptedMessage ofJsonUtf8(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    return ofJsonUtf8(utf8, 0, utf8.length);
  }

  /**
   * Wraps a range of bytes that holds the UTF-8 compact JSON text of an object, as {@link #ofJsonUtf8(byte[])}
   * does. The bytes are copied.
   *
   * @param utf8 the array that holds the text
   * @param offset the index of the text's first byte (its '{')
   * @param length the number of bytes of the text
   * @return the message
   * @throws IllegalArgumentException if the range does not start with '{' and end with '}'
   * @throws IndexOutOfBoundsException if the range is not within the array
   */
  public static EncryptedMessage ofJsonUtf8(byte[] utf8, int offset, int length) {
    Objects.requireNonNull(utf8, "utf8");
    Objects.checkFromIndexSize(offset, length, utf8.length);
    if (length < 2 || utf8[offset] != '{' || utf8[offset + length - 1] != '}') {
      throw new IllegalArgumentException("an encrypted message must be a JSON object");
    }
    return new EncryptedMessage(Arrays.copyOfRange(utf8, offset, offset + length), null);
  }

  /**
   * The compact JSON text of the object.
   *
   * @return the text, decoded from the kept bytes on the first call
   */
  public String json() {
    String s = json;
    if (s == null) {
      s = new String(utf8, StandardCharsets.UTF_8);
      json = s;
    }
    return s;
  }

  /**
   * The length in bytes of {@link #json()} encoded in UTF-8.
   *
   * @return the number of bytes, the measure of {@code limitBytes} and of the payload limit
   */
  public int byteSize() {
    return utf8.length;
  }

  /**
   * The JSON text encoded in UTF-8.
   *
   * @return a copy that the caller owns ({@link #byteSize()} bytes)
   */
  public byte[] utf8() {
    return utf8.clone();
  }

  /**
   * Writes the JSON text encoded in UTF-8 ({@link #byteSize()} bytes) to a buffer, without a copy in between.
   *
   * @param out the buffer, with at least {@link #byteSize()} bytes remaining
   */
  public void writeUtf8(ByteBuffer out) {
    out.put(utf8);
  }

  /**
   * Writes the JSON text encoded in UTF-8 ({@link #byteSize()} bytes) to a stream, without a copy in between.
   *
   * @param out the stream
   * @throws IOException when the stream fails to write
   */
  public void writeUtf8(OutputStream out) throws IOException {
    out.write(utf8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EncryptedMessage other && Arrays.equals(utf8, other.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  @Override
  public String toString() {
    String s = json();
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
