package io.envkeeper.cluster;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Where a request under {@code /api/v1/environments/} points: its path (without the context path),
 * the environment id segment as sent (not yet parsed), and whether it is for the environment itself
 * or for something under it (workspace, events, workers, ...).
 */
public record EnvironmentRequestPath(String path, String id, boolean subResource) {

  private static final String PREFIX = "/api/v1/environments/";

  /** Empty for a request that is not for one environment (the collection, another resource). */
  public static Optional<EnvironmentRequestPath> of(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!path.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0
        ? new EnvironmentRequestPath(path, rest, false)
        : new EnvironmentRequestPath(path, rest.substring(0, slash), true));
  }
}
