package io.github.mpr4j.bench.load;

import java.util.Base64;
import java.util.Random;

/** JWE-like payloads and the request texts the load tool sends. */
final class Payloads {
  private Payloads() {}

  /** A JWE-shaped JSON object of about {@code bytes} bytes, with a field for a send timestamp. */
  static String jwe(int bytes, long seed) {
    Random r = new Random(seed);
    String prot = b64(r, 90);
    String iv = b64(r, 16);
    String tag = b64(r, 16);
    int fixed = ("{\"protected\":\"\",\"iv\":\"\",\"ciphertext\":\"\",\"tag\":\"\"}").length()
        + prot.length() + iv.length() + tag.length();
    String ct = b64(r, Math.max(1, (bytes - fixed) * 3 / 4));
    return "{\"protected\":\"" + prot + "\",\"iv\":\"" + iv + "\",\"ciphertext\":\"" + ct + "\",\"tag\":\"" + tag + "\"}";
  }

  private static String b64(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String connectionId(int i) {
    return "conn-" + i;
  }

  static String addMessage(long id, String connectionId, String payload) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"" + connectionId
        + "\",\"recipientDids\":[\"did:key:z6MkrecipientBench\"],\"payload\":" + payload + "},\"id\":" + id + "}";
  }

  static String call(long id, String method, String paramsJson) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + paramsJson + ",\"id\":" + id + "}";
  }
}
