package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.QueuedMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Bus events as bytes: a version byte, a type byte, the session (four strings, each a length and UTF-8), and for a delivery the
 * messages (id, receivedAt in epoch milliseconds, payload length and UTF-8 JSON text).
 */
final class BusCodec {
  private static final int VERSION = 1;
  private static final int DELIVERY = 1;
  private static final int SESSION_ENDED = 2;

  private BusCodec() {}

  static byte[] encode(BusEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      if (event instanceof BusEvent.Delivery d) {
        out.writeByte(DELIVERY);
        writeSession(out, d.session());
        out.writeInt(d.messages().size());
        for (QueuedMessage m : d.messages()) {
          writeString(out, m.id());
          out.writeLong(m.receivedAt().toEpochMilli());
          out.writeInt(m.encryptedMessage().byteSize());
          m.encryptedMessage().writeUtf8(out);
        }
      } else if (event instanceof BusEvent.SessionEnded e) {
        out.writeByte(SESSION_ENDED);
        writeSession(out, e.session());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static BusEvent decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown bus event version " + version);
      }
      int type = in.readUnsignedByte();
      LiveSession session = new LiveSession(readString(in), readString(in), readString(in), readString(in));
      if (type == SESSION_ENDED) {
        return new BusEvent.SessionEnded(session);
      }
      if (type != DELIVERY) {
        throw new IllegalArgumentException("unknown bus event type " + type);
      }
      int n = in.readInt();
      List<QueuedMessage> messages = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        String id = readString(in);
        long at = in.readLong();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        messages.add(new QueuedMessage(id, Instant.ofEpochMilli(at), EncryptedMessage.ofJsonUtf8(payload)));
      }
      return new BusEvent.Delivery(session, messages);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed bus event", e);
    }
  }

  private static void writeSession(DataOutputStream out, LiveSession s) throws IOException {
    writeString(out, s.connectionId());
    writeString(out, s.sessionId());
    writeString(out, s.instanceId());
    writeString(out, s.holderId());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
