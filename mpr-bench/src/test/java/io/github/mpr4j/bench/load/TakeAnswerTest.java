package io.github.mpr4j.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TakeAnswerTest {

  @Test
  void the_ids_of_a_take_answer_are_read_in_order_past_nested_payloads() throws Exception {
    TakeAnswer answer = TakeAnswer.read("{\"jsonrpc\":\"2.0\",\"result\":["
        + "{\"id\":\"a\",\"receivedAt\":\"2026-01-01T00:00:00.000Z\",\"encryptedMessage\":{\"id\":\"inner\",\"x\":[1,{\"id\":\"deep\"}]}},"
        + "{\"encryptedMessage\":{\"protected\":\"p\"},\"id\":\"b\"}],\"id\":7}");

    assertFalse(answer.error());
    assertEquals(List.of("a", "b"), answer.ids());
  }

  @Test
  void an_empty_result_array_means_the_queue_is_drained() throws Exception {
    assertEquals(List.of(), TakeAnswer.read("{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1}").ids());
  }

  @Test
  void an_error_answer_has_no_ids() throws Exception {
    TakeAnswer answer = TakeAnswer.read(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32002,\"message\":\"busy\",\"data\":{\"retryAfterMs\":5}},\"id\":2}");

    assertTrue(answer.error());
    assertNull(answer.ids());
  }

  @Test
  void a_result_that_is_not_an_array_has_no_ids() throws Exception {
    TakeAnswer answer = TakeAnswer.read("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":3}");

    assertFalse(answer.error());
    assertNull(answer.ids());
  }
}
