package io.github.mpr4j.push.internal;

import static io.github.mpr4j.push.internal.WebPushCrypto.base64Url;
import static io.github.mpr4j.push.internal.WebPushCrypto.fromBase64Url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** RFC 8291 message encryption and RFC 8292 VAPID signatures on the JDK. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebPushCryptoTest {
  // RFC 8291, appendix A
  private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
  private static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vC"
      + "YLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  private static KeyPair pair(String publicKey, String privateKey) {
    return new KeyPair(WebPushCrypto.publicKey(fromBase64Url(publicKey)),
        WebPushCrypto.privateKey(fromBase64Url(privateKey)));
  }

  @Test
  void encryption_with_the_rfc_8291_keys_and_salt_gives_the_rfc_8291_message() {
    byte[] body = WebPushCrypto.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), fromBase64Url(UA_PUBLIC),
        fromBase64Url(AUTH_SECRET), pair(AS_PUBLIC, AS_PRIVATE), fromBase64Url(SALT));
    assertEquals(MESSAGE, base64Url(body));
  }

  @Test
  void the_rfc_8291_message_decrypts_with_the_user_agents_key() {
    byte[] plain = WebPushCrypto.decrypt(fromBase64Url(MESSAGE), pair(UA_PUBLIC, UA_PRIVATE), fromBase64Url(AUTH_SECRET));
    assertEquals(PLAINTEXT, new String(plain, StandardCharsets.UTF_8));
  }

  @Test
  void a_message_with_fresh_keys_round_trips_and_fails_with_another_auth_secret() {
    KeyPair ua = WebPushCrypto.generateKeyPair();
    byte[] auth = new byte[16];
    auth[0] = 7;
    byte[] uaPublic = WebPushCrypto.rawPublicKey((ECPublicKey) ua.getPublic());
    byte[] body = WebPushCrypto.encrypt("{\"title\":\"é\"}".getBytes(StandardCharsets.UTF_8), uaPublic, auth);
    assertEquals("{\"title\":\"é\"}", new String(WebPushCrypto.decrypt(body, ua, auth), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> WebPushCrypto.decrypt(body, ua, new byte[16]));
  }

  @Test
  void raw_keys_round_trip_and_a_point_off_the_curve_is_refused() {
    KeyPair k = WebPushCrypto.generateKeyPair();
    byte[] pub = WebPushCrypto.rawPublicKey((ECPublicKey) k.getPublic());
    byte[] priv = WebPushCrypto.rawPrivateKey((ECPrivateKey) k.getPrivate());
    assertEquals(65, pub.length);
    assertEquals(32, priv.length);
    assertArrayEquals(pub, WebPushCrypto.rawPublicKey(WebPushCrypto.publicKey(pub)));
    pub[64] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> WebPushCrypto.publicKey(pub));
    assertThrows(IllegalArgumentException.class, () -> WebPushCrypto.publicKey(new byte[33]));
  }

  @Test
  void a_vapid_jwt_is_es256_over_its_claims_and_verifies_only_with_its_key() throws Exception {
    KeyPair k = WebPushCrypto.generateKeyPair();
    String jwt = WebPushCrypto.vapidJwt("https://push.example.net", 1_800_000_000L, "mailto:ops@example.com",
        (ECPrivateKey) k.getPrivate());
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length);
    assertEquals("{\"typ\":\"JWT\",\"alg\":\"ES256\"}", new String(Base64.getUrlDecoder().decode(parts[0]),
        StandardCharsets.UTF_8));
    assertEquals("{\"aud\":\"https://push.example.net\",\"exp\":1800000000,\"sub\":\"mailto:ops@example.com\"}",
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertEquals(64, Base64.getUrlDecoder().decode(parts[2]).length, "r || s, as JWS requires");
    assertTrue(WebPushCrypto.verifyJwt(jwt, (ECPublicKey) k.getPublic()));
    assertFalse(WebPushCrypto.verifyJwt(jwt, (ECPublicKey) WebPushCrypto.generateKeyPair().getPublic()));
  }
}
