package io.envkeeper.api;

import io.envkeeper.runtime.EnvironmentRuntime;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.watch.WorkspaceWatcher;
import io.envkeeper.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code /environments/{id}/workspace} and {@code /events}. The 410 guard has already refused
 * environments that are not READY; the RuntimeManager checks again under the environment's lock
 * before it creates anything, so a request racing a destroy cannot resurrect a watcher.
 */
@RestController
@RequestMapping(EnvironmentController.BASE_PATH + "/{id}")
@Tag(name = "Workspace", description = "The workspace watcher's state and the changes it saw, polled or followed"
    + " as Server-Sent Events.")
record WorkspaceController(RuntimeManager runtimes, ChangeStreams streams) {

  @Operation(operationId = "getWorkspace", summary = "Read the workspace watcher and its changes",
      description = "The watcher's state and the changes after `since` (bounded: the oldest are dropped, which an"
          + " `OVERFLOW` change signals). `path` of a change is relative to the workspace. `changeSeq` never goes"
          + " back or repeats, across restarts too: a `since` from before a restart gets what changed while the"
          + " service was down, led by an `OVERFLOW` change where the service cannot vouch for all of it. `watcher`"
          + " is `POLLING` when the kernel's watch limit is reached for this workspace (scanned every"
          + " `envkeeper.watch.poll-interval` instead; `error` says why).")
  @ApiResponse(responseCode = "200", description = "The watcher and the changes after `since`", useReturnTypeSchema = true)
  @GetMapping(path = "/workspace", produces = MediaType.APPLICATION_JSON_VALUE)
  WorkspaceResponse workspace(
      @EnvironmentIdParameter @PathVariable String id,
      @Parameter(description = "Only changes after this seq; `0` for every change still kept. Not a number,"
          + " negative or ahead of `changeSeq`: `400 invalid_parameter`",
          schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0"))
      @RequestParam(required = false) String since) {
    UUID environmentId = RequestParameters.environmentId(id);
    long after = RequestParameters.since(since);
    WorkspaceWatcher watcher = runtimes.ensure(environmentId).watcher();
    RequestParameters.notAhead("since", after, watcher.changes().lastSeq());
    return WorkspaceResponse.of(watcher.status(after));
  }

  /** One {@code change} event per change ({@code id:} = seq), heartbeats, a final {@code destroyed}. */
  @Operation(operationId = "streamEvents", summary = "Follow the environment's events (Server-Sent Events)",
      description = "A `text/event-stream`: a `change` event per workspace change (`id:` = its seq), a comment"
          + " heartbeat every `envkeeper.watch.heartbeat` (15 s), and a final `destroyed` event when the environment"
          + " starts destroying, after which the stream ends. An `expiring` event (no `id:`) comes"
          + " `envkeeper.environments.expiry-warning` before expiry destroys the environment. Without `Last-Event-ID` the stream starts with the"
          + " changes made from now on. The stream is closed after `envkeeper.watch.stream-timeout`, and ends without"
          + " `destroyed` when the service stops: reconnect with `Last-Event-ID`, which works across restarts (the"
          + " changes made while the service was down come first, led by an `OVERFLOW` change where the service"
          + " cannot vouch for all of them). Each message is described by `EnvironmentEvent`.")
  @ApiResponse(responseCode = "200", description = "The event stream; one message per event, by event name",
      content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
          schema = @Schema(implementation = EventStreamMessages.class),
          examples = @ExampleObject(name = "stream", summary = "A heartbeat, two changes, an expiry warning and the end",
              value = ": envkeeper 2b1c0e8e-4f4e-4a8e-9d53-0f4d1c6a7b21\n\n"
                  + "id:1\nevent:change\ndata:{\"seq\":1,\"kind\":\"CREATE\",\"path\":\"src\",\"at\":\"2026-12-07T10:15:30Z\"}\n\n"
                  + "id:2\nevent:change\ndata:{\"seq\":2,\"kind\":\"MODIFY\",\"path\":\"src/a.txt\",\"at\":\"2026-12-07T10:15:31Z\"}\n\n"
                  + "event:expiring\ndata:{\"destroyAt\":\"2026-12-07T10:20:31Z\",\"reason\":\"idle\"}\n\n"
                  + "event:destroyed\ndata:{\"environmentId\":\"2b1c0e8e-4f4e-4a8e-9d53-0f4d1c6a7b21\"}\n\n")))
  @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(
      @EnvironmentIdParameter @PathVariable String id,
      @Parameter(description = "Resume after this change seq (the `id` of the last event received). Not a number,"
          + " negative or ahead of the environment's `changeSeq`: `400 invalid_parameter`",
          schema = @Schema(type = "integer", format = "int64", minimum = "0"))
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @AuthenticationPrincipal Caller caller) {
    UUID environmentId = RequestParameters.environmentId(id);
    Long resumeAfter = RequestParameters.lastEventId(lastEventId);
    EnvironmentRuntime runtime = runtimes.ensure(environmentId);
    long lastSeq = runtime.watcher().changes().lastSeq();
    if (resumeAfter != null) {
      RequestParameters.notAhead("Last-Event-ID", resumeAfter, lastSeq);
    }
    long after = resumeAfter != null ? resumeAfter : lastSeq;
    return streams.open(environmentId, runtime.watcher().changes(), after, caller);
  }
}
