package io.envkeeper.api;

import io.envkeeper.worker.Worker;
import io.envkeeper.worker.WorkerService;
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
class WorkerController {

  private final WorkerService workers;

  WorkerController(WorkerService workers) {
    this.workers = workers;
  }

  /** 201 once started; with {@code ?waitReady=PT10S}, once ready (or at the timeout, {@code ready:false}). */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WorkerResponse> start(
      @PathVariable String id, @Valid @RequestBody CreateWorkerRequest request,
      @RequestParam(name = "waitReady", required = false) String waitReady) {
    UUID environmentId = RequestParameters.environmentId(id);
    java.time.Duration readyWait = RequestParameters.waitReady(waitReady);
    Worker worker = workers.start(environmentId, request.profile(), request.args(), readyWait);
    return ResponseEntity.created(
            URI.create(EnvironmentController.BASE_PATH + "/" + environmentId + "/workers/" + worker.getId()))
        .body(WorkerResponse.of(worker));
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerListResponse list(@PathVariable String id) {
    List<WorkerResponse> items =
        workers.list(RequestParameters.environmentId(id)).stream().map(WorkerResponse::of).toList();
    return new WorkerListResponse(items, null);
  }

  @GetMapping(path = "/{wid}", produces = MediaType.APPLICATION_JSON_VALUE)
  WorkerResponse get(@PathVariable String id, @PathVariable String wid) {
    return WorkerResponse.of(workers.get(RequestParameters.environmentId(id), RequestParameters.workerId(wid)));
  }

  /** 202 while stopping, 200 once EXITED or LOST; repeats answer the same and start nothing new. */
  @DeleteMapping(path = "/{wid}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WorkerResponse> stop(
      @PathVariable String id, @PathVariable String wid, @RequestParam(name = "wait", required = false) String wait) {
    Worker worker = workers.stop(
        RequestParameters.environmentId(id), RequestParameters.workerId(wid), RequestParameters.waitFor(wait));
    HttpStatus status = worker.getStatus().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return ResponseEntity.status(status).body(WorkerResponse.of(worker));
  }

  @GetMapping(path = "/{wid}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String log(@PathVariable String id, @PathVariable String wid, @RequestParam(required = false) String tail) {
    List<String> lines = workers.log(
        RequestParameters.environmentId(id), RequestParameters.workerId(wid), RequestParameters.tail(tail));
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }
}
