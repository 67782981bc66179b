package io.envkeeper.environment;

import java.util.Map;

/**
 * A list request.
 *
 * @param status only rows in this status, or {@code null} for all
 * @param labels every one of these labels must be present with this value
 * @param limit page size, already within bounds
 * @param after position to continue after, or {@code null} for the first page
 */
public record EnvironmentQuery(
    EnvironmentStatus status, Map<String, String> labels, int limit, PageCursor after) {

  public EnvironmentQuery {
    labels = Map.copyOf(labels);
  }
}
