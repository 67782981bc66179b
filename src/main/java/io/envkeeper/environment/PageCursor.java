package io.envkeeper.environment;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in the (createdAt, id) order of the environment list, opaque to clients. Encoded as
 * URL-safe base64 of {@code <epoch micros>:<id>}; createdAt is stored at microsecond precision.
 */
public record PageCursor(Instant createdAt, UUID id) {

  /** The cursor after {@code environment}. */
  static PageCursor after(Environment environment) {
    return new PageCursor(environment.getCreatedAt(), environment.getId());
  }

  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    String plain = micros + ":" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a cursor a client sent back; anything malformed is an {@link InvalidCursorException}. */
  public static PageCursor decode(String encoded) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      long micros = Long.parseLong(plain.substring(0, colon));
      UUID id = UUID.fromString(plain.substring(colon + 1));
      return new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
    } catch (RuntimeException e) {
      throw new InvalidCursorException();
    }
  }

  /** The cursor is not one this service handed out. */
  public static class InvalidCursorException extends IllegalArgumentException {
    InvalidCursorException() {
      super("cursor is malformed; pass back the nextCursor of a previous page unchanged");
    }
  }
}
