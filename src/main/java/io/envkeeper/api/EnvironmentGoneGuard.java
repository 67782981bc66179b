package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentQueries;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The one guard for everything under {@code /environments/{id}/...}: before any handler code runs,
 * a malformed id is 400, an unknown one 404, and one that is not READY is {@code 410
 * environment_destroyed}. Sub-resources added later (workspace, events, workers) inherit it, so no
 * request for a destroyed environment can re-create anything.
 */
class EnvironmentGoneGuard implements HandlerInterceptor {

  /** Registered for this pattern; the guard itself skips the bare {@code /environments/{id}}. */
  static final String PATTERN = EnvironmentController.BASE_PATH + "/*/**";

  private static final String PREFIX = EnvironmentController.BASE_PATH + "/";

  private final EnvironmentQueries queries;

  EnvironmentGoneGuard(EnvironmentQueries queries) {
    this.queries = queries;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!path.startsWith(PREFIX)) {
      return true;
    }
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return true; // the environment itself: GET answers in every status, DELETE is idempotent
    }
    queries.getReady(RequestParameters.environmentId(rest.substring(0, slash)));
    return true;
  }
}
