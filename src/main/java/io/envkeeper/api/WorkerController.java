package io.envkeeper.api;

import io.envkeeper.runtime.process.KeptLog;
import io.envkeeper.security.Caller;
import io.envkeeper.worker.Worker;
import io.envkeeper.worker.WorkerLogSource;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import io.envkeeper.worker.WorkerService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /environments/{id}/workers}: start, list, get, stop and read the log of workers. The 410
 * guard answers first for an environment that is not READY.
 */
@RestController
@RequestMapping(EnvironmentController.BASE_PATH + "/{id}/workers")
@Tag(name = "Workers", description = "Worker processes started from the profiles the operator configured (clients"
    + " pick a profile, never a command line), their graceful stop and their logs.")
record WorkerController(WorkerService workers, LogStreams streams) {

  @Operation(operationId = "startWorker", summary = "Start a worker",
      description = "Spawns the profile's command (no shell) in the workspace, in a process group of its own (and its"
          + " own cgroup where the service can write one); `args` are appended only where the profile allows them."
          + " With `waitReady`, answers once the worker is ready (its profile's `ready-line` was seen) or at the"
          + " timeout with `ready: false`.")
  @ApiResponse(responseCode = "201", description = "Started", useReturnTypeSchema = true,
      headers = @Header(name = "Location", description = "The worker's URL", schema = @Schema(type = "string")))
  @ProblemResponse(status = 400, codes = {ProblemCode.UNKNOWN_PROFILE, ProblemCode.INVALID_ARGS,
      ProblemCode.INVALID_PARAMETER})
  @ProblemResponse(status = 409, codes = {
      ProblemCode.WORKER_LIMIT_REACHED, ProblemCode.WORKSPACE_MISSING, ProblemCode.WORKSPACE_MOVED})
  @ProblemResponse(status = 500, codes = ProblemCode.SPAWN_FAILED)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WorkerResponse> start(
      @EnvironmentIdParameter @PathVariable String id,
      @Valid @RequestBody CreateWorkerRequest request,
      @Parameter(description = "Answer once the worker is ready, waiting at most this long: an ISO-8601 duration"
          + " from PT0S to PT60S (400 `invalid_parameter` beyond)", schema = @Schema(type = "string", example = "PT10S"))
      @RequestParam(name = "waitReady", required = false) String waitReady) {
    UUID environmentId = RequestParameters.environmentId(id);
    java.time.Duration readyWait = RequestParameters.waitReady(waitReady);
    Worker worker = workers.start(environmentId, request.profile(), request.args(), readyWait);
    return ResponseEntity.created(
            URI.create(EnvironmentController.BASE_PATH + "/" + environmentId + "/workers/" + worker.getId()))
        .body(WorkerResponse.of(worker));
  }

  @Operation(operationId = "listWorkers", summary = "List an environment's workers",
      description = "Every worker of the environment, in start order.")
  @ApiResponse(responseCode = "200", description = "The workers", useReturnTypeSchema = true)
  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerListResponse list(@EnvironmentIdParameter @PathVariable String id) {
    List<WorkerResponse> items =
        workers.list(RequestParameters.environmentId(id)).stream().map(WorkerResponse::of).toList();
    return new WorkerListResponse(items, null);
  }

  @Operation(operationId = "getWorker", summary = "Read a worker")
  @ApiResponse(responseCode = "200", description = "The worker", useReturnTypeSchema = true)
  @ProblemResponse(status = 404, codes = ProblemCode.WORKER_NOT_FOUND)
  @GetMapping(path = "/{wid}", produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerResponse get(@EnvironmentIdParameter @PathVariable String id, @WorkerIdParameter @PathVariable String wid) {
    return WorkerResponse.of(workers.get(RequestParameters.environmentId(id), RequestParameters.workerId(wid)));
  }

  /** 202 while stopping, 200 once EXITED or LOST; repeats answer the same and start nothing new. */
  @Operation(operationId = "stopWorker", summary = "Stop a worker",
      description = "Idempotent graceful stop: the profile's shutdown message and ack, then SIGTERM to the process"
          + " group, then SIGKILL, every step bounded. `STOPPING` is committed before the first signal.")
  @ApiResponse(responseCode = "200", description = "The worker has ended (EXITED or LOST)", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "202", description = "Stop accepted; the worker is STOPPING", useReturnTypeSchema = true)
  @ProblemResponse(status = 404, codes = ProblemCode.WORKER_NOT_FOUND)
  @DeleteMapping(path = "/{wid}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WorkerResponse> stop(
      @EnvironmentIdParameter @PathVariable String id, @WorkerIdParameter @PathVariable String wid,
      @Parameter(description = "Wait up to this long (ISO-8601, at most `PT60S`) for the worker to end before answering",
          schema = @Schema(type = "string", format = "duration", example = "PT10S"))
      @RequestParam(name = "wait", required = false) String wait) {
    Worker worker = workers.stop(
        RequestParameters.environmentId(id), RequestParameters.workerId(wid), RequestParameters.waitFor(wait));
    HttpStatus status = worker.getStatus().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return ResponseEntity.status(status).body(WorkerResponse.of(worker));
  }

  @Operation(operationId = "getWorkerLog", summary = "Read or follow a worker's log",
      description = "The last lines of the worker's combined stdout and stderr, one per line, as `text/plain`. With"
          + " `follow=true` and `Accept: text/event-stream`, a live stream instead (each message is described by"
          + " `WorkerLogEvent`): a `line` event per output line from the oldest line still kept (or the last `tail`"
          + " lines) on, its `id:` the byte offset after the line (bytes since the worker started: stable across"
          + " rotations and restarts); `Last-Event-ID` resumes after that byte; a `truncated` event when the log was"
          + " rotated past the offset; comment heartbeats every `envkeeper.watch.heartbeat`; and, once the worker"
          + " has ended and all its output was sent, an `exit` event, after which the stream ends. A follow keeps"
          + " the environment alive while it is open (`log_stream:<worker id>` in `keptAliveBy`). The service closes"
          + " it after `envkeeper.watch.stream-timeout`, when it stops, and when the token is revoked: reconnect"
          + " with `Last-Event-ID`.")
  @ApiResponse(responseCode = "200", description = "The last lines (`text/plain`), or the followed log"
      + " (`text/event-stream`, one message per event)",
      content = {
        @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
            examples = @ExampleObject(name = "lines", value = "listening on :3000\nready\n")),
        @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            schema = @Schema(implementation = WorkerLogMessages.class),
            examples = @ExampleObject(name = "stream", summary = "Two lines, then the worker's exit",
                value = ": envkeeper worker 7d3c1a52-9b0e-4c55-8f0a-2f6f3c1e9d10\n\n"
                    + "id:19\nevent:line\ndata:{\"text\":\"listening on :3000\"}\n\n"
                    + "id:25\nevent:line\ndata:{\"text\":\"ready\"}\n\n"
                    + "event:exit\ndata:{\"status\":\"EXITED\",\"exitCode\":0,\"signal\":null}\n\n"))})
  @ProblemResponse(status = 400, codes = ProblemCode.INVALID_PARAMETER)
  @ProblemResponse(status = 404, codes = ProblemCode.WORKER_NOT_FOUND)
  @ProblemResponse(status = 406, codes = ProblemCode.NOT_ACCEPTABLE)
  @GetMapping(path = "/{wid}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String log(
      @EnvironmentIdParameter @PathVariable String id, @WorkerIdParameter @PathVariable String wid,
      @Parameter(description = "How many of the last lines (with `follow=true`: where the stream starts; without,"
          + " the stream starts at the oldest line kept)", schema = @Schema(type = "integer", format = "int32",
          minimum = "1", maximum = "10000", defaultValue = "200"))
      @RequestParam(required = false) String tail,
      @Parameter(description = "`true` (with `Accept: text/event-stream`): follow the log as Server-Sent Events",
          schema = @Schema(type = "boolean", defaultValue = "false"))
      @RequestParam(required = false) String follow,
      @Parameter(description = "With `follow=true`: resume after this byte offset (the `id` of the last event"
          + " received). Not a number, negative or past the end of the log: `400 invalid_parameter`",
          schema = @Schema(type = "integer", format = "int64", minimum = "0"))
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) throws HttpMediaTypeNotAcceptableException {
    UUID environmentId = RequestParameters.environmentId(id);
    UUID workerId = RequestParameters.workerId(wid);
    if (RequestParameters.follow(follow)) {
      // Only reached when the Accept header rules out text/event-stream (else follow() answers).
      throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.TEXT_EVENT_STREAM));
    }
    List<String> lines = workers.log(environmentId, workerId, RequestParameters.tail(tail));
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /** {@code ?follow=…} with an event-stream Accept: described with {@link #log}, one operation. */
  @Hidden
  @GetMapping(path = "/{wid}/log", params = {"follow", "follow!=false"}, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter follow(
      @PathVariable String id, @PathVariable String wid, @RequestParam(required = false) String tail,
      @RequestParam String follow, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @AuthenticationPrincipal Caller caller) {
    UUID environmentId = RequestParameters.environmentId(id);
    UUID workerId = RequestParameters.workerId(wid);
    if (!RequestParameters.follow(follow)) {
      throw new InvalidRequestException(ProblemCode.INVALID_PARAMETER,
          "follow=false answers text/plain: leave out Accept: text/event-stream, or ask with follow=true");
    }
    Long resumeFrom = RequestParameters.logOffset(lastEventId);
    Integer lines = tail == null ? null : RequestParameters.tail(tail);
    WorkerLogSource source = workers.logSource(environmentId, workerId); // 404 for an unknown worker
    if (resumeFrom != null) {
      RequestParameters.notPastEnd(resumeFrom, logEnd(source));
    }
    return streams.open(environmentId, workerId, resumeFrom, lines, caller);
  }

  private static long logEnd(WorkerLogSource source) {
    try (KeptLog kept = KeptLog.open(source.file())) {
      return kept.end();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of worker " + source.state().workerId(), e);
    }
  }
}
