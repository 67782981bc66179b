package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.environment.PageCursor;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Parses path and query parameters strictly: anything malformed is a 400, never a guess. */
final class RequestParameters {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  static final Duration MAX_WAIT = Duration.ofSeconds(60);
  static final int DEFAULT_TAIL = 200;
  static final int MAX_TAIL = 10_000;
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private RequestParameters() {}

  static UUID environmentId(String raw) {
    return uuid(raw, "id");
  }

  static UUID workerId(String raw) {
    return uuid(raw, "worker id");
  }

  /** A UUID in its canonical form only: no lenient parse of shortened or padded forms. */
  private static UUID uuid(String raw, String name) {
    try {
      UUID id = UUID.fromString(raw);
      if (id.toString().equalsIgnoreCase(raw)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException("invalid_id", name + " must be a UUID, got '" + abbreviate(raw) + "'");
  }

  /** {@code ?tail=}: lines of a worker log, 1 to {@value #MAX_TAIL}, default {@value #DEFAULT_TAIL}. */
  static int tail(String raw) {
    if (raw == null) {
      return DEFAULT_TAIL;
    }
    try {
      int tail = Integer.parseInt(raw);
      if (tail >= 1 && tail <= MAX_TAIL) {
        return tail;
      }
    } catch (NumberFormatException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        "invalid_parameter", "tail must be an integer from 1 to " + MAX_TAIL + ", got '" + abbreviate(raw) + "'");
  }

  /** A token id of the admin API: a UUID, like an environment id. */
  static UUID tokenId(String raw) {
    return environmentId(raw);
  }

  static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        "invalid_parameter", "limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + abbreviate(raw) + "'");
  }

  static EnvironmentStatus status(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return EnvironmentStatus.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "invalid_parameter", "status must be one of READY, DESTROYING, DESTROYED, got '" + abbreviate(raw) + "'");
    }
  }

  /** {@code label=k:v}, repeatable; every pair must match. */
  static Map<String, String> labels(List<String> raw) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (raw == null) {
      return labels;
    }
    for (String pair : raw) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new InvalidRequestException(
            "invalid_parameter", "label must be key:value, got '" + abbreviate(pair) + "'");
      }
      String key = pair.substring(0, colon);
      String value = pair.substring(colon + 1);
      String earlier = labels.putIfAbsent(key, value);
      if (earlier != null && !earlier.equals(value)) {
        throw new InvalidRequestException(
            "invalid_parameter", "label '" + abbreviate(key) + "' is given twice with different values");
      }
    }
    return labels;
  }

  static PageCursor cursor(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return PageCursor.decode(raw);
    } catch (PageCursor.InvalidCursorException e) {
      throw new InvalidRequestException("invalid_cursor", e.getMessage());
    }
  }

  /** {@code ?since=}: a change seq, 0 (everything still buffered) when absent. */
  static long since(String raw) {
    if (raw == null) {
      return 0;
    }
    return nonNegative("since", raw);
  }

  /** The SSE {@code Last-Event-ID} header: the seq of the last change a client saw. */
  static Long lastEventId(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    return nonNegative("Last-Event-ID", raw.trim());
  }

  private static long nonNegative(String name, String raw) {
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        "invalid_parameter", name + " must be a change seq (an integer >= 0), got '" + abbreviate(raw) + "'");
  }

  /** {@code ?wait=} as an ISO-8601 duration from zero to {@link #MAX_WAIT}. */
  static Duration waitFor(String raw) {
    if (raw == null) {
      return Duration.ZERO;
    }
    try {
      Duration wait = Duration.parse(raw);
      if (!wait.isNegative() && wait.compareTo(MAX_WAIT) <= 0) {
        return wait;
      }
    } catch (DateTimeParseException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        "invalid_parameter", "wait must be an ISO-8601 duration from PT0S to PT60S, got '" + abbreviate(raw) + "'");
  }

  /** {@code ?waitReady=} of a worker start: an ISO-8601 duration from zero to {@link #MAX_WAIT}. */
  static Duration waitReady(String raw) {
    if (raw == null) {
      return Duration.ZERO;
    }
    try {
      Duration wait = Duration.parse(raw);
      if (!wait.isNegative() && wait.compareTo(MAX_WAIT) <= 0) {
        return wait;
      }
    } catch (DateTimeParseException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        "invalid_parameter", "waitReady must be an ISO-8601 duration from PT0S to PT60S, got '" + abbreviate(raw) + "'");
  }

  /** A client-chosen key: 1-255 visible ASCII characters. */
  static String idempotencyKey(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !raw.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidRequestException(
          "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    return raw;
  }

  private static String abbreviate(String raw) {
    return raw.length() <= 64 ? raw : raw.substring(0, 64) + "...";
  }
}
