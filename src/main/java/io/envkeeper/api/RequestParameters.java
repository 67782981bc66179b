package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.environment.PageCursor;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
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
    throw new InvalidRequestException(ProblemCode.INVALID_ID, name + " must be a UUID, got '" + abbreviate(raw) + "'");
  }

  /** {@code ?tail=}: lines of a worker log, 1 to {@value #MAX_TAIL}, default {@value #DEFAULT_TAIL}. */
  static int tail(String raw) {
    return intInRange("tail", raw, DEFAULT_TAIL, MAX_TAIL);
  }

  /** A token id of the admin API: a UUID, like an environment id. */
  static UUID tokenId(String raw) {
    return environmentId(raw);
  }

  static int limit(String raw) {
    return intInRange("limit", raw, DEFAULT_LIMIT, MAX_LIMIT);
  }

  /** An integer parameter from 1 to {@code max}; {@code fallback} when absent. */
  private static int intInRange(String name, String raw, int fallback, int max) {
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException(
        ProblemCode.INVALID_PARAMETER, name + " must be an integer from 1 to " + max + ", got '" + abbreviate(raw) + "'");
  }

  static EnvironmentStatus status(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return EnvironmentStatus.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          ProblemCode.INVALID_PARAMETER, "status must be one of READY, DESTROYING, DESTROYED, got '" + abbreviate(raw) + "'");
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
            ProblemCode.INVALID_PARAMETER, "label must be key:value, got '" + abbreviate(pair) + "'");
      }
      String key = pair.substring(0, colon);
      String value = pair.substring(colon + 1);
      String earlier = labels.putIfAbsent(key, value);
      if (earlier != null && !earlier.equals(value)) {
        throw new InvalidRequestException(
            ProblemCode.INVALID_PARAMETER, "label '" + abbreviate(key) + "' is given twice with different values");
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
      throw new InvalidRequestException(ProblemCode.INVALID_CURSOR, e.getMessage());
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

  /** {@code ?follow=}: {@code true} or {@code false} (absent: false). */
  static boolean follow(String raw) {
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw new InvalidRequestException(
        ProblemCode.INVALID_PARAMETER, "follow must be true or false, got '" + abbreviate(raw) + "'");
  }

  /** {@code Last-Event-ID} of a log follow: the byte offset after the last line a client saw. */
  static Long logOffset(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    OptionalLong offset = nonNegativeLong(raw.trim());
    if (offset.isPresent()) {
      return offset.getAsLong();
    }
    throw new InvalidRequestException(ProblemCode.INVALID_PARAMETER,
        "Last-Event-ID must be a byte offset of the log (an integer >= 0), got '" + abbreviate(raw) + "'");
  }

  /** A log offset past the end was never handed out: the client did not get it from this log. */
  static void notPastEnd(long offset, long end) {
    if (offset > end) {
      throw new InvalidRequestException(ProblemCode.INVALID_PARAMETER,
          "Last-Event-ID " + offset + " lies past the end of the worker's log (" + end + " bytes written)");
    }
  }

  /**
   * A cursor must not lie ahead of the environment's change sequence: no seq above it was ever
   * handed out, so the client did not get it from this service (an empty answer would hide that).
   */
  static void notAhead(String name, long cursor, long changeSeq) {
    if (cursor > changeSeq) {
      throw new InvalidRequestException(ProblemCode.INVALID_PARAMETER,
          name + " " + cursor + " lies ahead of the change sequence (changeSeq is " + changeSeq
              + "): no such change was ever reported");
    }
  }

  private static long nonNegative(String name, String raw) {
    OptionalLong value = nonNegativeLong(raw);
    if (value.isPresent()) {
      return value.getAsLong();
    }
    throw new InvalidRequestException(
        ProblemCode.INVALID_PARAMETER, name + " must be a change seq (an integer >= 0), got '" + abbreviate(raw) + "'");
  }

  /** {@code value} as an integer >= 0; empty when it is not one. */
  private static OptionalLong nonNegativeLong(String value) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= 0) {
        return OptionalLong.of(parsed);
      }
    } catch (NumberFormatException e) {
      // not a number: empty
    }
    return OptionalLong.empty();
  }

  /** {@code ?wait=} as an ISO-8601 duration from zero to {@link #MAX_WAIT}. */
  static Duration waitFor(String raw) {
    return boundedWait("wait", raw);
  }

  /**
   * A {@code ttl} or {@code idleTimeout} of a request body: an ISO-8601 duration ({@code PT30M},
   * {@code P1DT12H}), or {@code null} when absent. Whether its value is allowed is the expiry rules'
   * call; this only refuses what is not a duration at all.
   */
  static Duration duration(String field, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Duration.parse(raw);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new InvalidRequestException(
          ProblemCode.INVALID_DURATION, field + " must be an ISO-8601 duration such as PT30M or P1D, got '" + abbreviate(raw) + "'");
    }
  }

  /**
   * {@code If-Match}: the {@code version} of the environment as its JSON shows it, bare or quoted
   * ({@code 3}, {@code "3"}); {@code *} or no header asks for no check ({@code null}).
   */
  static Long ifMatch(String raw) {
    if (raw == null || raw.trim().equals("*")) {
      return null;
    }
    String value = raw.trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    OptionalLong version = nonNegativeLong(value);
    if (version.isPresent()) {
      return version.getAsLong();
    }
    throw new InvalidRequestException(
        ProblemCode.INVALID_PARAMETER, "If-Match must be the environment's version (e.g. 3 or \"3\"), got '" + abbreviate(raw) + "'");
  }

  /** {@code ?waitReady=} of a worker start: an ISO-8601 duration from zero to {@link #MAX_WAIT}. */
  static Duration waitReady(String raw) {
    return boundedWait("waitReady", raw);
  }

  private static Duration boundedWait(String name, String raw) {
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
        ProblemCode.INVALID_PARAMETER, name + " must be an ISO-8601 duration from PT0S to PT60S, got '" + abbreviate(raw) + "'");
  }

  /** A client-chosen key: 1-255 visible ASCII characters. */
  static String idempotencyKey(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !raw.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidRequestException(
          ProblemCode.INVALID_IDEMPOTENCY_KEY, "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    return raw;
  }

  private static String abbreviate(String raw) {
    return raw.length() <= 64 ? raw : raw.substring(0, 64) + "...";
  }
}
