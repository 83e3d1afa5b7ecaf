package io.github.mpr4j.push.internal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptography of Web Push on the JDK alone: P-256 keys in the raw forms Web Push uses (a 65-byte
 * uncompressed point, a 32-byte scalar, base64url), RFC 8291 message encryption (ECDH, HKDF-SHA-256 as
 * HMACs, AES-128-GCM, the aes128gcm content coding of RFC 8188 in one record), and RFC 8292 VAPID JWTs
 * (ES256). Public for the server's key generation and the tests; not an API.
 */
public final class WebPushCrypto {
  private static final ECParameterSpec P256 = p256();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
  /** The record size written in the aes128gcm header; one record carries the whole (small) payload. */
  static final int RECORD_SIZE = 4096;

  private WebPushCrypto() {}

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks P-256", e);
    }
  }

  public static String base64Url(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  /** Decodes base64url, with or without padding (also accepts the standard alphabet's padding-free form). */
  public static byte[] fromBase64Url(String text) {
    return B64URL_DECODER.decode(text.strip().replace('+', '-').replace('/', '_').replace("=", ""));
  }

  /** A new P-256 key pair. */
  public static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(P256, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A public key as the 65-byte uncompressed point {@code 04 || x || y}. */
  public static byte[] rawPublicKey(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    copyUnsigned(key.getW().getAffineX(), out, 1);
    copyUnsigned(key.getW().getAffineY(), out, 33);
    return out;
  }

  /** A private key as its 32-byte scalar. */
  public static byte[] rawPrivateKey(ECPrivateKey key) {
    byte[] out = new byte[32];
    copyUnsigned(key.getS(), out, 0);
    return out;
  }

  private static void copyUnsigned(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray();
    int skip = b.length > 32 ? b.length - 32 : 0;
    System.arraycopy(b, skip, out, offset + 32 - (b.length - skip), b.length - skip);
  }

  /**
   * A public key from its uncompressed point.
   *
   * @throws IllegalArgumentException when it is not 65 bytes starting with 4, or not a point of P-256
   */
  public static ECPublicKey publicKey(byte[] raw) {
    if (raw.length != 65 || raw[0] != 4) {
      throw new IllegalArgumentException("a P-256 public key is 65 bytes starting with 0x04, not " + raw.length
          + " bytes");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 33));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 33, 65));
    BigInteger p = ((java.security.spec.ECFieldFp) P256.getCurve().getField()).getP();
    BigInteger a = P256.getCurve().getA();
    BigInteger b = P256.getCurve().getB();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0
        || !y.multiply(y).mod(p).equals(x.pow(3).add(a.multiply(x)).add(b).mod(p))) {
      throw new IllegalArgumentException("not a point of P-256");
    }
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key: " + e.getMessage(), e);
    }
  }

  /** A private key from its 32-byte scalar. */
  public static ECPrivateKey privateKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a P-256 private key is 32 bytes, not " + raw.length);
    }
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, raw),
          P256));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key: " + e.getMessage(), e);
    }
  }

  /**
   * Encrypts a push message for a subscription (RFC 8291), with a fresh sender key pair and salt.
   *
   * @param uaPublic the subscription's {@code p256dh} key (65 bytes)
   * @param authSecret the subscription's {@code auth} secret (16 bytes)
   * @return the request body: the aes128gcm header (salt, record size, the sender's public key) and the record
   */
  public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, uaPublic, authSecret, generateKeyPair(), salt);
  }

  /** {@link #encrypt(byte[], byte[], byte[])} with a given sender key pair and salt (the RFC's test vector). */
  public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair sender, byte[] salt) {
    if (plaintext.length > RECORD_SIZE - 17) {
      throw new IllegalArgumentException("a Web Push payload holds at most " + (RECORD_SIZE - 17) + " bytes");
    }
    byte[] asPublic = rawPublicKey((ECPublicKey) sender.getPublic());
    byte[][] keyAndNonce = contentKeys(ecdh(sender, publicKey(uaPublic)), authSecret, uaPublic, asPublic, salt);
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
    padded[plaintext.length] = 2; // the delimiter of the last (and only) record, no padding
    byte[] ciphertext = aesGcm(Cipher.ENCRYPT_MODE, keyAndNonce[0], keyAndNonce[1], padded);
    return ByteBuffer.allocate(16 + 4 + 1 + 65 + ciphertext.length)
        .put(salt).putInt(RECORD_SIZE).put((byte) 65).put(asPublic).put(ciphertext).array();
  }

  /**
   * Decrypts a push message as the browser does, with the subscription's private key: for the tests'
   * push service stand-in.
   *
   * @throws IllegalArgumentException when the body is not a valid aes128gcm message for that key
   */
  public static byte[] decrypt(byte[] body, KeyPair ua, byte[] authSecret) {
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      byte[] salt = new byte[16];
      in.get(salt);
      int recordSize = in.getInt();
      int idLength = in.get() & 0xff;
      byte[] asPublic = new byte[idLength];
      in.get(asPublic);
      byte[] ciphertext = new byte[in.remaining()];
      in.get(ciphertext);
      if (ciphertext.length > recordSize) {
        throw new IllegalArgumentException("more than one record");
      }
      byte[] uaPublic = rawPublicKey((ECPublicKey) ua.getPublic());
      byte[][] keyAndNonce = contentKeys(ecdh(ua, publicKey(asPublic)), authSecret, uaPublic, asPublic, salt);
      byte[] padded = aesGcm(Cipher.DECRYPT_MODE, keyAndNonce[0], keyAndNonce[1], ciphertext);
      int end = padded.length - 1;
      while (end >= 0 && padded[end] == 0) {
        end--;
      }
      if (end < 0 || padded[end] != 2) {
        throw new IllegalArgumentException("no last-record delimiter");
      }
      return Arrays.copyOf(padded, end);
    } catch (java.nio.BufferUnderflowException | IllegalStateException e) {
      throw new IllegalArgumentException("not an aes128gcm message: " + e, e);
    }
  }

  /** The content encryption key (16 bytes) and nonce (12 bytes) of RFC 8291 section 3.4 and RFC 8188. */
  private static byte[][] contentKeys(byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic,
      byte[] salt) {
    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
    byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
    byte[] prk = hmac(salt, ikm);
    byte[] cek = expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
    return new byte[][] {cek, nonce};
  }

  /** HKDF-SHA-256 (RFC 5869) for outputs of at most 32 bytes: extract, then one block of expand. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    return expand(hmac(salt, ikm), info, length);
  }

  private static byte[] expand(byte[] prk, byte[] info, int length) {
    return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] ecdh(KeyPair mine, ECPublicKey theirs) {
    try {
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(mine.getPrivate());
      ka.doPhase(theirs, true);
      return ka.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ECDH failed: " + e.getMessage(), e);
    }
  }

  private static byte[] aesGcm(int mode, byte[] key, byte[] nonce, byte[] input) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      return c.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("AES-GCM failed: " + e.getMessage(), e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  /**
   * A VAPID JWT (RFC 8292): ES256 over {@code {"typ":"JWT","alg":"ES256"}} and {@code {"aud","exp","sub"}}.
   *
   * @param audience the push service's origin, {@code https://host[:port]}
   * @param expiresAtSeconds epoch seconds; push services accept at most 24 hours ahead
   */
  public static String vapidJwt(String audience, long expiresAtSeconds, String subject, ECPrivateKey key) {
    String header = base64Url("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = base64Url(("{\"aud\":\"" + jsonEscape(audience) + "\",\"exp\":" + expiresAtSeconds + ",\"sub\":\""
        + jsonEscape(subject) + "\"}").getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + claims;
    try {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a JWT's ES256 signature verifies with a public key (the stand-in's check, and key-pair checks). */
  public static boolean verifyJwt(String jwt, ECPublicKey key) {
    int last = jwt.lastIndexOf('.');
    if (last < 0) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initVerify(key);
      s.update(jwt.substring(0, last).getBytes(StandardCharsets.US_ASCII));
      return s.verify(fromBase64Url(jwt.substring(last + 1)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
