package io.github.mpr4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.jsonrpc.AddMessageFrame;
import io.github.mpr4j.protocol.jsonrpc.DecodedRequest;
import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the wire codec per request: decoding an addMessage frame (the general tree decoder and the
 * server's streaming fast path), encoding a take answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private String addMessageFrame;
  private byte[] addMessageFrameUtf8;
  private List<QueuedMessage> tenMessages;
  private JsonNode id;

  @Setup
  public void setUp() {
    String payload = io.github.mpr4j.bench.load.BenchPayloads.jwe1k();
    addMessageFrame = "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"conn-1\","
        + "\"recipientDids\":[\"did:key:z6Mkrecipient\"],\"payload\":" + payload + "},\"id\":1}";
    addMessageFrameUtf8 = addMessageFrame.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    tenMessages = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tenMessages.add(new QueuedMessage("0190f1e2-0000-7000-8000-00000000000" + i, Instant.now(),
          EncryptedMessage.ofJson(payload)));
    }
    id = JsonRpcCodec.parseFrame("1");
  }

  @Benchmark
  public AddMessageOptions decodeAddMessage() {
    DecodedRequest.Valid r = (DecodedRequest.Valid) JsonRpcCodec.decodeRequest(JsonRpcCodec.parseFrame(addMessageFrame));
    return JsonRpcCodec.addMessage(r.request().params());
  }

  /** The server's path for nearly every request: the streaming decoder of an addMessage frame's bytes. */
  @Benchmark
  public AddMessageFrame decodeAddMessageFastPath() {
    return AddMessageFrame.decode(addMessageFrameUtf8, 0, addMessageFrameUtf8.length);
  }

  @Benchmark
  public String encodeTakeOfTenMessages() {
    return JsonRpcCodec.success(id, tenMessages);
  }
}
