package io.envkeeper.runtime.events;

import java.util.Objects;

/**
 * One event for an environment's {@code /events} streams: sent as an SSE event named {@code name}
 * with {@code data} as JSON and no {@code id:} (it is not part of the change sequence, so it never
 * moves a client's {@code Last-Event-ID}).
 *
 * @param name the SSE event name, e.g. {@code expiring}
 * @param data a value the stream writes as JSON (a record or a map)
 */
public record EnvironmentEvent(String name, Object data) {

  public EnvironmentEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
  }
}
