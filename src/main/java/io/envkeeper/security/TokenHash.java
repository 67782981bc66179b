package io.envkeeper.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The only form in which a token is ever stored: {@code sha256:<hex of the SHA-256 of the token>}.
 * Tokens are random values of 256 bits, so a fast hash is right (nothing to brute-force) and the
 * hash of a presented token can be looked up directly.
 */
public final class TokenHash {

  static final String PREFIX = "sha256:";
  /** What {@code envkeeper.security.tokens[i].hash} must look like. */
  public static final String FORMAT = "sha256:[0-9a-fA-F]{64}";

  private static final Pattern PATTERN = Pattern.compile(FORMAT);

  private TokenHash() {}

  /** The stored form of {@code token}. */
  public static String of(String token) {
    return PREFIX + HexFormat.of().formatHex(digest(token));
  }

  /** The 32 digest bytes of a stored form; an {@link IllegalArgumentException} if malformed. */
  static byte[] bytes(String stored) {
    if (stored == null || !PATTERN.matcher(stored).matches()) {
      throw new IllegalArgumentException("token hash must be sha256:<64 hex digits>");
    }
    return HexFormat.of().parseHex(stored.substring(PREFIX.length()));
  }

  /** Normalised (lower-case hex) stored form. */
  static String normalise(String stored) {
    return PREFIX + HexFormat.of().formatHex(bytes(stored));
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
