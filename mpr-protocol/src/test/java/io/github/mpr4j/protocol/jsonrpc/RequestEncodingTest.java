package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link JsonRpcRequests} writes, {@link JsonRpcCodec} reads back as the same options. */
class RequestEncodingTest {
  private static final String TRICKY = "a\"b\\c\nd\re\tf\u0001g\u001fh é € 😀 end";

  private static byte[] write(long id, String method, JsonRpcRequests.Params params) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonRpcRequests.write(out, id, method, params);
    return out.toByteArray();
  }

  /** Decodes as the server does: parse, check the envelope, and hand back the request. */
  private static RpcRequest decode(byte[] frame, long id, String method) {
    DecodedRequest d = JsonRpcCodec.decodeRequest(JsonRpcCodec.parseFrame(frame, 0, frame.length));
    RpcRequest r = assertInstanceOf(DecodedRequest.Valid.class, d).request();
    assertEquals(method, r.method());
    assertEquals(id, r.id().longValue());
    return r;
  }

  @Test
  void addMessageReadsBackAsTheSameOptionsWithThePayloadBytesUnchanged() throws IOException {
    EncryptedMessage payload = EncryptedMessage.ofJson("{\"protected\":\"eyJ\",\"k\":\"ü\",\"n\":[1,2.5]}");
    AddMessageOptions o = new AddMessageOptions(TRICKY, List.of("did:a", TRICKY), payload,
        PushNotificationToken.apns("tok"));
    byte[] frame = write(7, "addMessage", JsonRpcRequests.addMessage(o));
    assertEquals(o, JsonRpcCodec.addMessage(decode(frame, 7, "addMessage").params()));
    AddMessageOptions plain = AddMessageOptions.of("c1", List.of("did:a"), payload);
    assertEquals(plain, JsonRpcCodec.addMessage(decode(write(8, "addMessage", JsonRpcRequests.addMessage(plain)), 8,
        "addMessage").params()));
  }

  @Test
  void largePayloadsReadBackUnchangedAndOneWriterWritesOneRequestAfterTheOther() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonRpcRequests.Writer writer = new JsonRpcRequests.Writer(out);
    List<AddMessageOptions> sent = new java.util.ArrayList<>();
    List<Integer> ends = new java.util.ArrayList<>();
    for (int size : new int[] {10, 2048, 2049, 7990, 8000, 8001, 100_000, 20}) {
      String filler = "x".repeat(size) + "é";
      AddMessageOptions o = new AddMessageOptions("c" + size, List.of("did:a"),
          EncryptedMessage.ofJson("{\"ciphertext\":\"" + filler + "\",\"tag\":\"t\"}"), PushNotificationToken.fcm("t"));
      writer.write(size, "addMessage", JsonRpcRequests.addMessage(o));
      sent.add(o);
      ends.add(out.size());
    }
    byte[] all = out.toByteArray();
    int from = 0;
    for (int i = 0; i < sent.size(); i++) {
      byte[] frame = java.util.Arrays.copyOfRange(all, from, ends.get(i));
      long id = Long.parseLong(sent.get(i).connectionId().substring(1));
      assertEquals(sent.get(i), JsonRpcCodec.addMessage(decode(frame, id, "addMessage").params()), "request " + i);
      from = ends.get(i);
    }
  }

  @Test
  void theServersFastPathReadsAnAddMessageOfTheClientAsTheGeneralPathDoes() throws IOException {
    AddMessageOptions o = new AddMessageOptions("c1", List.of("did:a"),
        EncryptedMessage.ofJson("{\"protected\":\"eyJ\",\"ciphertext\":\"Y3Q\"}"), PushNotificationToken.fcm("t"));
    byte[] frame = write(9, "addMessage", JsonRpcRequests.addMessage(o));
    AddMessageFrame fast = AddMessageFrame.decode(frame, 0, frame.length);
    assertNotNull(fast, "the client's addMessage takes the fast path: " + new String(frame, StandardCharsets.UTF_8));
    assertEquals(o, fast.options());
    assertEquals(9, fast.id().longValue());
  }

  @Test
  void takeFromQueueReadsBackWithAndWithoutItsOptionalMembers() throws IOException {
    TakeFromQueueOptions full = new TakeFromQueueOptions("c1", TRICKY, 10, 4096, true);
    TakeFromQueueOptions bare = TakeFromQueueOptions.builder("c2").build();
    for (TakeFromQueueOptions o : List.of(full, bare)) {
      byte[] frame = write(1, "takeFromQueue", JsonRpcRequests.takeFromQueue(o));
      assertEquals(o, JsonRpcCodec.takeFromQueue(decode(frame, 1, "takeFromQueue").params()));
    }
    JsonNode params = decode(write(1, "takeFromQueue", JsonRpcRequests.takeFromQueue(bare)), 1, "takeFromQueue")
        .params();
    assertFalse(params.has("limit") || params.has("limitBytes") || params.has("recipientDid"),
        "absent members are left out, not null: " + params);
  }

  @Test
  void theOtherMethodsReadBackAsTheSameOptions() throws IOException {
    RemoveMessagesOptions remove = new RemoveMessagesOptions(TRICKY, List.of("m1", "m2"));
    assertEquals(remove, JsonRpcCodec.removeMessages(
        decode(write(2, "removeMessages", JsonRpcRequests.removeMessages(remove)), 2, "removeMessages").params()));
    RemoveAllMessagesOptions all = new RemoveAllMessagesOptions("c1", "did:a");
    assertEquals(all, JsonRpcCodec.removeAllMessages(
        decode(write(3, "removeAllMessages", JsonRpcRequests.removeAllMessages(all)), 3, "removeAllMessages")
            .params()));
    for (GetAvailableMessageCountOptions count : List.of(new GetAvailableMessageCountOptions("c1", "did:a"),
        GetAvailableMessageCountOptions.of("c1"))) {
      assertEquals(count, JsonRpcCodec.getAvailableMessageCount(decode(write(4, "getAvailableMessageCount",
          JsonRpcRequests.getAvailableMessageCount(count)), 4, "getAvailableMessageCount").params()));
    }
    AddLiveSessionOptions add = new AddLiveSessionOptions("c1", TRICKY);
    assertEquals(add, JsonRpcCodec.addLiveSession(
        decode(write(5, "addLiveSession", JsonRpcRequests.addLiveSession(add)), 5, "addLiveSession").params()));
    for (RemoveLiveSessionOptions rm : List.of(new RemoveLiveSessionOptions("c1", "s1"),
        new RemoveLiveSessionOptions("c1", null))) {
      assertEquals(rm, JsonRpcCodec.removeLiveSession(
          decode(write(6, "removeLiveSession", JsonRpcRequests.removeLiveSession(rm)), 6, "removeLiveSession")
              .params()));
    }
    GetLiveSessionOptions get = new GetLiveSessionOptions("c1");
    assertEquals(get, JsonRpcCodec.getLiveSession(
        decode(write(7, "getLiveSession", JsonRpcRequests.getLiveSession(get)), 7, "getLiveSession").params()));
    assertEquals(List.of("messagesReceived"), JsonRpcCodec.eventNames(decode(write(Long.MAX_VALUE, "rpc.on",
        JsonRpcRequests.eventNames(List.of("messagesReceived"))), Long.MAX_VALUE, "rpc.on").params()));
    RpcRequest ping = decode(write(1, "ping", null), 1, "ping");
    assertEquals(null, ping.params());
  }
}
