package io.envkeeper.api;

import io.envkeeper.worker.Worker;
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
class WorkerController {

  private final WorkerService workers;

  WorkerController(WorkerService workers) {
    this.workers = workers;
  }

  @Operation(operationId = "startWorker", summary = "Start a worker",
      description = "Spawns the profile's command (no shell) in the workspace, in a process group of its own; `args`"
          + " are appended only where the profile allows them.")
  @ApiResponse(responseCode = "201", description = "Started", useReturnTypeSchema = true,
      headers = @Header(name = "Location", description = "The worker's URL", schema = @Schema(type = "string")))
  @ProblemResponse(status = 400, codes = {ProblemCode.UNKNOWN_PROFILE, ProblemCode.INVALID_ARGS})
  @ProblemResponse(status = 409, codes = ProblemCode.WORKER_LIMIT_REACHED)
  @ProblemResponse(status = 500, codes = ProblemCode.SPAWN_FAILED)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WorkerResponse> start(
      @Parameter(description = "Environment id", schema = @Schema(format = "uuid")) @PathVariable String id, @Valid @RequestBody CreateWorkerRequest request) {
    UUID environmentId = RequestParameters.environmentId(id);
    Worker worker = workers.start(environmentId, request.profile(), request.args());
    return ResponseEntity.created(
            URI.create(EnvironmentController.BASE_PATH + "/" + environmentId + "/workers/" + worker.getId()))
        .body(WorkerResponse.of(worker));
  }

  @Operation(operationId = "listWorkers", summary = "List an environment's workers",
      description = "Every worker of the environment, in start order.")
  @ApiResponse(responseCode = "200", description = "The workers", useReturnTypeSchema = true)
  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerListResponse list(@Parameter(description = "Environment id", schema = @Schema(format = "uuid")) @PathVariable String id) {
    List<WorkerResponse> items =
        workers.list(RequestParameters.environmentId(id)).stream().map(WorkerResponse::of).toList();
    return new WorkerListResponse(items, null);
  }

  @Operation(operationId = "getWorker", summary = "Read a worker")
  @ApiResponse(responseCode = "200", description = "The worker", useReturnTypeSchema = true)
  @ProblemResponse(status = 404, codes = ProblemCode.WORKER_NOT_FOUND)
  @GetMapping(path = "/{wid}", produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerResponse get(@Parameter(description = "Environment id", schema = @Schema(format = "uuid")) @PathVariable String id, @Parameter(description = "Worker id", schema = @Schema(format = "uuid")) @PathVariable String wid) {
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
      @Parameter(description = "Environment id", schema = @Schema(format = "uuid")) @PathVariable String id, @Parameter(description = "Worker id", schema = @Schema(format = "uuid")) @PathVariable String wid,
      @Parameter(description = "Wait up to this long (ISO-8601, at most `PT60S`) for the worker to end before answering",
          schema = @Schema(type = "string", format = "duration", example = "PT10S"))
      @RequestParam(name = "wait", required = false) String wait) {
    Worker worker = workers.stop(
        RequestParameters.environmentId(id), RequestParameters.workerId(wid), RequestParameters.waitFor(wait));
    HttpStatus status = worker.getStatus().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return ResponseEntity.status(status).body(WorkerResponse.of(worker));
  }

  @Operation(operationId = "getWorkerLog", summary = "Read the end of a worker's log",
      description = "The last lines of the worker's combined stdout and stderr, one per line.")
  @ApiResponse(responseCode = "200", description = "The last lines, each ending with a newline",
      content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
          examples = @ExampleObject(name = "lines", value = "listening on :3000\nready\n")))
  @ProblemResponse(status = 404, codes = ProblemCode.WORKER_NOT_FOUND)
  @GetMapping(path = "/{wid}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String log(
      @Parameter(description = "Environment id", schema = @Schema(format = "uuid")) @PathVariable String id, @Parameter(description = "Worker id", schema = @Schema(format = "uuid")) @PathVariable String wid,
      @Parameter(description = "How many of the last lines", schema = @Schema(type = "integer", format = "int32",
          minimum = "1", maximum = "10000", defaultValue = "200"))
      @RequestParam(required = false) String tail) {
    List<String> lines = workers.log(
        RequestParameters.environmentId(id), RequestParameters.workerId(wid), RequestParameters.tail(tail));
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }
}
