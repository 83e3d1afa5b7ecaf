package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.PushNotificationToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one decoder of addMessage params, in one streaming pass: the server's fast path reads them from the
 * frame's bytes ({@link AddMessageFrame}), the general decoder from the parsed tree ({@link
 * JsonRpcCodec#addMessage}), and both get the same options or the same -32602 message.
 *
 * <p>{@link #read} only collects what the params hold; {@link #options} checks it, in the order the
 * messages are given (connectionId, recipientDids, payload, the push token). Besides, the pass tells
 * whether the params have the usual shape ({@link #usual}): each member once, none {@code null}, none
 * unknown, the push token as {@code pushNotificationToken} with string {@code type} and {@code token}.
 * The fast path takes only those; any other, valid or not, goes to the general decoder.
 */
final class AddMessageParams {
  /** What a member held: nothing or JSON {@code null}, a value of the right type, or one of another. */
  private enum Kind { ABSENT, VALUE, WRONG }

  private Kind connectionIdKind = Kind.ABSENT;
  private String connectionId;
  private Kind recipientDidsKind = Kind.ABSENT;
  private List<String> recipientDids;
  /** Whether an element of recipientDids was not a non-empty string. */
  private boolean badRecipient;
  private Kind payloadKind = Kind.ABSENT;
  /** The byte offsets of the payload object in the parser's input (meaningful for a parser over bytes). */
  private long payloadStart;
  private long payloadEnd;
  private Kind pushTokenKind = Kind.ABSENT;
  private Kind pushTypeKind = Kind.ABSENT;
  private String pushType;
  private Kind pushTokenValueKind = Kind.ABSENT;
  private String pushTokenValue;
  private Kind legacyTokenKind = Kind.ABSENT;
  private String legacyToken;
  private boolean usual = true;
  /** The members seen so far, one bit each: a second sighting makes the shape unusual (the last one counts). */
  private int seen;

  private AddMessageParams() {}

  /**
   * Reads the params object whose {@link JsonToken#START_OBJECT} the parser is at, up to its end.
   *
   * @throws IOException when the parser fails (malformed input)
   */
  static AddMessageParams read(JsonParser p) throws IOException {
    AddMessageParams a = new AddMessageParams();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "connectionId" -> {
          a.once(1);
          a.connectionIdKind = a.kind(p, value, JsonToken.VALUE_STRING);
          a.connectionId = a.connectionIdKind == Kind.VALUE ? p.getText() : null;
        }
        case "recipientDids" -> {
          a.once(2);
          a.recipientDidsKind = a.kind(p, value, JsonToken.START_ARRAY);
          if (a.recipientDidsKind == Kind.VALUE) {
            a.readRecipients(p);
          }
        }
        case "payload" -> {
          a.once(4);
          a.payloadKind = a.kind(p, value, JsonToken.START_OBJECT);
          if (a.payloadKind == Kind.VALUE) {
            a.payloadStart = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            a.payloadEnd = p.currentLocation().getByteOffset();
          }
        }
        case "pushNotificationToken" -> {
          a.once(8);
          a.pushTokenKind = a.kind(p, value, JsonToken.START_OBJECT);
          if (a.pushTokenKind == Kind.VALUE) {
            a.readPushToken(p);
          }
        }
        case "token" -> { // compat: TypeScript clients before pushNotificationToken send the FCM token so
          a.usual = false;
          a.legacyTokenKind = a.kind(p, value, JsonToken.VALUE_STRING);
          a.legacyToken = a.legacyTokenKind == Kind.VALUE ? p.getText() : null;
        }
        default -> {
          a.usual = false;
          p.skipChildren();
        }
      }
    }
    return a;
  }

  private void once(int bit) {
    if ((seen & bit) != 0) {
      usual = false;
    }
    seen |= bit;
  }

  /** The kind of the value the parser is at; a value of another type is skipped. */
  private Kind kind(JsonParser p, JsonToken value, JsonToken expected) throws IOException {
    if (value == expected) {
      return Kind.VALUE;
    }
    usual = false;
    if (value == JsonToken.VALUE_NULL) {
      return Kind.ABSENT;
    }
    p.skipChildren();
    return Kind.WRONG;
  }

  private void readRecipients(JsonParser p) throws IOException {
    recipientDids = new ArrayList<>(2);
    badRecipient = false;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
        recipientDids.add(p.getText());
      } else {
        badRecipient = true;
        usual = false;
        p.skipChildren();
      }
    }
  }

  private void readPushToken(JsonParser p) throws IOException {
    pushTypeKind = Kind.ABSENT;
    pushType = null;
    pushTokenValueKind = Kind.ABSENT;
    pushTokenValue = null;
    int fields = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("type".equals(name)) {
        usual &= (fields & 1) == 0;
        fields |= 1;
        pushTypeKind = kind(p, value, JsonToken.VALUE_STRING);
        pushType = pushTypeKind == Kind.VALUE ? p.getText() : null;
      } else if ("token".equals(name)) {
        usual &= (fields & 2) == 0;
        fields |= 2;
        pushTokenValueKind = kind(p, value, JsonToken.VALUE_STRING);
        pushTokenValue = pushTokenValueKind == Kind.VALUE ? p.getText() : null;
      } else {
        usual = false;
        p.skipChildren();
      }
    }
  }

  /** Whether the params have the usual shape (see the class comment); they may still be invalid. */
  boolean usual() {
    return usual;
  }

  /** Whether the payload is an object (else {@link #options} fails). */
  boolean hasPayload() {
    return payloadKind == Kind.VALUE;
  }

  /** The payload's byte offsets in the input of a parser over bytes. */
  long payloadStart() {
    return payloadStart;
  }

  long payloadEnd() {
    return payloadEnd;
  }

  /**
   * Checks the params and returns them as options.
   *
   * @param payload the payload object's compact UTF-8 JSON; unused (may be null) unless {@link #hasPayload}
   * @throws MprRpcException -32602 naming the first member that is wrong
   */
  AddMessageOptions options(EncryptedMessage payload) {
    switch (connectionIdKind) {
      case ABSENT -> throw invalid("connectionId is required");
      case WRONG -> throw invalid("connectionId must be a string");
      default -> {
        if (connectionId.isEmpty()) {
          throw invalid("connectionId must be a non-empty string");
        }
      }
    }
    switch (recipientDidsKind) {
      case ABSENT -> throw invalid("recipientDids is required");
      case WRONG -> throw invalid("recipientDids must be an array of strings");
      default -> {
        if (badRecipient) {
          throw invalid("recipientDids must contain only non-empty strings");
        }
        if (recipientDids.isEmpty()) {
          throw invalid("recipientDids must be a non-empty array of strings");
        }
      }
    }
    if (payloadKind != Kind.VALUE) {
      throw invalid(payloadKind == Kind.ABSENT ? "payload is required" : "payload must be a JSON object");
    }
    PushNotificationToken token = null;
    if (pushTokenKind == Kind.WRONG) {
      throw invalid("pushNotificationToken must be an object");
    } else if (pushTokenKind == Kind.VALUE) {
      if (pushTypeKind == Kind.WRONG) {
        throw invalid("pushNotificationToken.type must be a string");
      }
      if (pushType == null) {
        throw invalid("pushNotificationToken.type is required");
      }
      if (pushTokenValueKind == Kind.WRONG) {
        throw invalid("pushNotificationToken.token must be a string");
      }
      token = PushNotificationToken.fromWire(pushType, pushTokenValue);
    } else {
      if (legacyTokenKind == Kind.WRONG) {
        throw invalid("token must be a string");
      }
      if (legacyToken != null && !legacyToken.isEmpty()) {
        token = PushNotificationToken.fcm(legacyToken);
      }
    }
    return new AddMessageOptions(connectionId, recipientDids, payload, token);
  }

  private static MprRpcException invalid(String message) {
    return MprRpcException.invalidParams(message);
  }
}
