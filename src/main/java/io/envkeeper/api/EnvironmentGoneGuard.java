package io.envkeeper.api;

import io.envkeeper.cluster.EnvironmentRequestPath;
import io.envkeeper.cluster.OwnerRouting;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.security.CallerContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The one guard for everything under {@code /environments/{id}/...}: before any handler code runs,
 * a malformed id is 400, an unknown one or another tenant's 404 (the 404 wins over the 410, so a
 * tombstone of another tenant reveals nothing), and one that is not READY is {@code 410
 * environment_destroyed}. Sub-resources added later (workspace, events, workers) inherit it, so no
 * request for a destroyed environment or for another tenant's can reach their handlers.
 */
record EnvironmentGoneGuard(EnvironmentQueries queries, CallerContext callers) implements HandlerInterceptor {

  /** Registered for this pattern; the guard itself skips the bare {@code /environments/{id}}. */
  static final String PATTERN = EnvironmentController.BASE_PATH + "/*/**";

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      // The dispatch that completes an event stream: the request passed this guard when it began.
      // Checking again would refuse the very stream that ends because its environment is going.
      return true;
    }
    Optional<EnvironmentRequestPath> target = EnvironmentRequestPath.of(request);
    if (target.isEmpty() || !target.get().subResource()) {
      return true; // the environment itself: GET answers in every status, DELETE is idempotent
    }
    // Kept for the owner routing that runs next: it needs the row, not a second read of it.
    request.setAttribute(OwnerRouting.READY_ENVIRONMENT,
        queries.getReady(RequestParameters.environmentId(target.get().id()), callers.current()));
    return true;
  }
}
