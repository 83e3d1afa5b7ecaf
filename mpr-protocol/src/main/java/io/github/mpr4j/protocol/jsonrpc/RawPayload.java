package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A payload handed to {@code JsonGenerator.writeRawValue}: the unquoted UTF-8 forms copy the payload's bytes
 * as they are kept (what a UTF-8 generator asks for); the character and quoted forms, which only other
 * generators ask for, go through the text.
 */
final class RawPayload implements SerializableString {
  private final EncryptedMessage payload;
  private SerializedString text;

  RawPayload(EncryptedMessage payload) {
    this.payload = payload;
  }

  private SerializedString text() {
    if (text == null) {
      text = new SerializedString(payload.json());
    }
    return text;
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    int n = payload.byteSize();
    if (offset + n > buffer.length) {
      return -1;
    }
    payload.writeUtf8(ByteBuffer.wrap(buffer, offset, n));
    return n;
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return payload.utf8();
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    payload.writeUtf8(out);
    return payload.byteSize();
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer out) {
    int n = payload.byteSize();
    if (n > out.remaining()) {
      return -1;
    }
    payload.writeUtf8(out);
    return n;
  }

  @Override
  public String getValue() {
    return payload.json();
  }

  @Override
  public int charLength() {
    return text().charLength();
  }

  @Override
  public char[] asQuotedChars() {
    return text().asQuotedChars();
  }

  @Override
  public byte[] asQuotedUTF8() {
    return text().asQuotedUTF8();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    return text().appendQuotedUTF8(buffer, offset);
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    return text().appendQuoted(buffer, offset);
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    return text().appendUnquoted(buffer, offset);
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) throws IOException {
    return text().writeQuotedUTF8(out);
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
    return text().putQuotedUTF8(buffer);
  }
}
