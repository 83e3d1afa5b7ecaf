package io.github.mpr4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import io.github.mpr4j.core.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples run to their end (the multi-instance one on a Redis that the test starts). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesIT {
  private static String run(ThrowingMain main) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(out);
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    out.print(text);
    return text;
  }

  @FunctionalInterface
  interface ThrowingMain {
    void run() throws Exception;
  }

  @Test
  void theEmbeddedMediatorQueuesPicksUpAndDeliversLive() throws Exception {
    String out = run(() -> EmbeddedMediatorExample.main(new String[0]));
    assertTrue(out.contains("picked up 3 messages"), out);
    assertTrue(out.lines().filter(l -> l.startsWith("live delivery for connection-alice")).count() == 2, out);
  }

  @Test
  void theRemoteClientAddsTakesAndReceivesLiveMessagesFromItsOwnServer() throws Exception {
    String out = run(() -> RemoteClientExample.main(new String[0]));
    assertTrue(out.contains("took 2: "), out);
    assertTrue(out.lines().filter(l -> l.startsWith("messagesReceived connection-bob")).count() == 3, out);
    assertTrue(out.contains("done"), out);
  }

  @Test
  void theMediatorPickupHandlerQueuesDeliversOnRequestAndLive() throws Exception {
    String out = run(() -> MediatorPickupExample.main(new String[0]));
    assertTrue(out.contains("status: 2 messages"), out);
    assertTrue(out.contains("delivery: 2 messages"), out);
    assertTrue(out.contains("status after messages-received: 0 messages"), out);
    assertTrue(out.contains("live delivery: 1 message"), out);
    assertTrue(out.contains("done"), out);
  }

  @Test
  void twoInstancesOnRedisDeliverWhatOneReceivesToTheHolderOnTheOther() throws Exception {
    String out = run(() -> MultiInstanceExample.run(RedisServers.single().uri().toString()));
    assertTrue(out.lines().filter(l -> l.startsWith("A received ")).count() == 5, out);
    assertTrue(out.contains("done: every message added through B arrived live on A"), out);
  }
}
