package io.envkeeper.api;

import io.envkeeper.expiry.ActivityService;
import io.envkeeper.security.CallerContext;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /environments/{id}/activity} and {@code /keepalive}: what keeps an environment alive and
 * when it expires. The 410 guard answers first for one that is not READY. Reading the activity is
 * not activity (the {@link ActivityInterceptor} leaves it out); a keepalive is, and answers the
 * activity as it stands after it.
 */
@RestController
@RequestMapping(path = EnvironmentController.BASE_PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class ActivityController {

  static final String ACTIVITY = "activity";
  static final String KEEPALIVE = "keepalive";
  /** Sub-resources that are not activity as requests: reading it is not, a keepalive records itself. */
  static final Set<String> OWN_ACTIVITY = Set.of(ACTIVITY, KEEPALIVE);

  private final ActivityService activity;
  private final CallerContext callers;

  ActivityController(ActivityService activity, CallerContext callers) {
    this.activity = activity;
    this.callers = callers;
  }

  @GetMapping("/" + ACTIVITY)
  ActivityResponse getActivity(@PathVariable String id) {
    return ActivityResponse.of(activity.activity(RequestParameters.environmentId(id), callers.current()));
  }

  @PostMapping("/" + KEEPALIVE)
  ActivityResponse keepalive(@PathVariable String id) {
    return ActivityResponse.of(activity.keepalive(RequestParameters.environmentId(id), callers.current()));
  }
}
