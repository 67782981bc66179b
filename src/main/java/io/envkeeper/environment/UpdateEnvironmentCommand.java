package io.envkeeper.environment;

import java.time.Duration;
import java.util.Map;

/**
 * What a {@code PATCH} asks to change; a field not {@link Change#given() given} stays as it is.
 *
 * @param ttl a new TTL counted from now ({@code null} value: no TTL any more)
 * @param idleTimeout a new idle timeout ({@code null} value: none any more)
 * @param labels labels replacing the current ones ({@code null} value: no labels)
 */
public record UpdateEnvironmentCommand(
    Change<Duration> ttl, Change<Duration> idleTimeout, Change<Map<String, String>> labels) {

  /** One field of a partial update: whether the client sent it, and the value it sent. */
  public record Change<T>(boolean given, T value) {

    public static <T> Change<T> unchanged() {
      return new Change<>(false, null);
    }

    public static <T> Change<T> to(T value) {
      return new Change<>(true, value);
    }
  }
}
