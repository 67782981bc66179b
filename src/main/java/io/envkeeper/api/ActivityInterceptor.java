package io.envkeeper.api;

import io.envkeeper.expiry.ActivityHold;
import io.envkeeper.expiry.ActivityTracker;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.AsyncHandlerInterceptor;

/**
 * Every call under {@code /environments/{id}/…} is activity of the environment, except reading
 * {@code …/activity} itself: it holds the environment alive while it is served (a long
 * {@code ?wait=} included) and its end counts as activity. {@code …/keepalive} records its own
 * activity, so that its answer shows the environment as the keepalive leaves it, not as held by
 * the keepalive request. Registered after the 410 guard, so only READY environments of the
 * caller's tenant are touched, and only in memory.
 */
class ActivityInterceptor implements AsyncHandlerInterceptor {

  private static final String PREFIX = EnvironmentController.BASE_PATH + "/";
  private static final String HOLD = ActivityInterceptor.class.getName() + ".hold";

  private final ActivityTracker activity;

  ActivityInterceptor(ActivityTracker activity) {
    this.activity = activity;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getDispatcherType() != DispatcherType.REQUEST) {
      return true; // the async dispatch that ends a stream: the stream's own hold covered it
    }
    String path = request.getRequestURI().substring(request.getContextPath().length());
    int slash = path.indexOf('/', PREFIX.length());
    if (!path.startsWith(PREFIX) || slash < 0 || ActivityController.OWN_ACTIVITY.contains(path.substring(slash + 1))) {
      return true;
    }
    String id = path.substring(PREFIX.length(), slash);
    request.setAttribute(HOLD, activity.hold(RequestParameters.environmentId(id), ActivityTracker.REQUEST));
    return true;
  }

  /** A stream has started: it holds the environment from now on, the request no longer does. */
  @Override
  public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response, Object handler) {
    release(request);
  }

  @Override
  public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    release(request);
  }

  private static void release(HttpServletRequest request) {
    if (request.getAttribute(HOLD) instanceof ActivityHold hold) {
      hold.close();
    }
  }
}
