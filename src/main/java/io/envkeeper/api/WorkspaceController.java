package io.envkeeper.api;

import io.envkeeper.runtime.EnvironmentRuntime;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.watch.WorkspaceWatcher;
import java.util.UUID;
import org.springframework.http.MediaType;
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
class WorkspaceController {

  private final RuntimeManager runtimes;
  private final ChangeStreams streams;

  WorkspaceController(RuntimeManager runtimes, ChangeStreams streams) {
    this.runtimes = runtimes;
    this.streams = streams;
  }

  @GetMapping(path = "/workspace", produces = MediaType.APPLICATION_JSON_VALUE)
  WorkspaceResponse workspace(@PathVariable String id, @RequestParam(required = false) String since) {
    UUID environmentId = RequestParameters.environmentId(id);
    long after = RequestParameters.since(since);
    WorkspaceWatcher watcher = runtimes.ensure(environmentId).watcher();
    RequestParameters.notAhead("since", after, watcher.changes().lastSeq());
    return WorkspaceResponse.of(watcher.status(after));
  }

  /** One {@code change} event per change ({@code id:} = seq), heartbeats, a final {@code destroyed}. */
  @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(
      @PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    UUID environmentId = RequestParameters.environmentId(id);
    Long resumeAfter = RequestParameters.lastEventId(lastEventId);
    EnvironmentRuntime runtime = runtimes.ensure(environmentId);
    long lastSeq = runtime.watcher().changes().lastSeq();
    if (resumeAfter != null) {
      RequestParameters.notAhead("Last-Event-ID", resumeAfter, lastSeq);
    }
    long after = resumeAfter != null ? resumeAfter : lastSeq;
    return streams.open(environmentId, runtime.watcher().changes(), after);
  }
}
