package io.envkeeper.api;

import io.envkeeper.expiry.ActivityService;
import io.envkeeper.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /environments/{id}/activity} and {@code /keepalive}: what keeps an environment alive and
 * when it expires. The 410 guard answers first for one that is not READY. Reading the activity is
 * not activity (the {@link ActivityInterceptor} leaves it out); a keepalive is, and answers the
 * activity as it stands after it. Both run on the environment's owner, where its activity is kept
 * (another node forwards them).
 */
@RestController
@RequestMapping(path = EnvironmentController.BASE_PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Expiry", description = "What keeps an environment alive and when its TTL or idle timeout destroys it;"
    + " keeping it alive. The deadlines themselves are set on create and changed with `updateEnvironment`.")
record ActivityController(ActivityService activity) {

  static final String ACTIVITY = "activity";
  static final String KEEPALIVE = "keepalive";
  /** Sub-resources that are not activity as requests: reading it is not, a keepalive records itself. */
  static final Set<String> OWN_ACTIVITY = Set.of(ACTIVITY, KEEPALIVE);

  @Operation(operationId = "getActivity", summary = "Read what keeps the environment alive and when it expires",
      description = "Activity is any call under `/environments/{id}/…` except this one, an open event or log stream,"
          + " a change in the workspace and a worker that has not ended. `keptAliveBy` names what holds the"
          + " environment right now (`request`, `stream`, `worker:<id>`); `destroyAt` is when expiry destroys it if"
          + " nothing changes (`null`: never). Reading it is not activity.")
  @ApiResponse(responseCode = "200", description = "The environment's activity and deadline", useReturnTypeSchema = true)
  @GetMapping("/" + ACTIVITY)
  ActivityResponse getActivity(
      @EnvironmentIdParameter @PathVariable String id,
      @AuthenticationPrincipal Caller caller) {
    return ActivityResponse.of(activity.activity(RequestParameters.environmentId(id), caller));
  }

  @Operation(operationId = "keepalive", summary = "Count as activity now",
      description = "Restarts the idle clock as any other activity does, and answers the activity as it stands"
          + " after it (the keepalive holds nothing: `keptAliveBy` does not list it). It does not put off a TTL:"
          + " change `ttl` with `updateEnvironment` for that.")
  @ApiResponse(responseCode = "200", description = "The environment's activity and deadline after the keepalive",
      useReturnTypeSchema = true)
  @PostMapping("/" + KEEPALIVE)
  ActivityResponse keepalive(
      @EnvironmentIdParameter @PathVariable String id,
      @AuthenticationPrincipal Caller caller) {
    return ActivityResponse.of(activity.keepalive(RequestParameters.environmentId(id), caller));
  }
}
