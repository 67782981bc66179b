package io.envkeeper.embeddeddb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, PostgreSQL's
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}). Computed here so the password
 * itself is never part of an SQL statement: a statement can end up in a server log.
 */
final class ScramVerifier {

  /** PostgreSQL's default ({@code scram_iterations}). */
  static final int ITERATIONS = 4096;
  private static final int SALT_BYTES = 16;

  private ScramVerifier() {}

  /**
   * The verifier of {@code password}. The password must be ASCII without control characters:
   * SASLprep leaves exactly those unchanged, so no normalisation is needed.
   */
  static String of(String password, SecureRandom random) {
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("password must be printable ASCII");
      }
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return of(password, salt, ITERATIONS);
  }

  static String of(String password, byte[] salt, int iterations) {
    try {
      SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted =
          pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder base64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + iterations + ":" + base64.encodeToString(salt) + "$"
          + base64.encodeToString(storedKey) + ":" + base64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256, HmacSHA256 and SHA-256", e);
    }
  }

  private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
  }
}
