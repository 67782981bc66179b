package io.envkeeper.api;

import io.envkeeper.environment.CreatedEnvironment;
import io.envkeeper.environment.EnvironmentCreator;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.environment.EnvironmentQuery;
import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.environment.EnvironmentUpdater;
import io.envkeeper.security.CallerContext;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/environments}: create, list, get, update and destroy, each for the calling tenant. */
@RestController
@RequestMapping(path = EnvironmentController.BASE_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class EnvironmentController {

  static final String BASE_PATH = "/api/v1/environments";
  static final String MERGE_PATCH_JSON = "application/merge-patch+json";

  private final EnvironmentCreator creator;
  private final EnvironmentQueries queries;
  private final EnvironmentDestroyer destroyer;
  private final EnvironmentUpdater updater;
  private final CallerContext callers;

  EnvironmentController(
      EnvironmentCreator creator, EnvironmentQueries queries, EnvironmentDestroyer destroyer,
      EnvironmentUpdater updater, CallerContext callers) {
    this.creator = creator;
    this.queries = queries;
    this.destroyer = destroyer;
    this.updater = updater;
    this.callers = callers;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<EnvironmentResponse> create(
      @Valid @RequestBody CreateEnvironmentRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    CreatedEnvironment created =
        creator.create(request.toCommand(), RequestParameters.idempotencyKey(idempotencyKey), callers.current());
    Environment environment = created.environment();
    return ResponseEntity.created(URI.create(BASE_PATH + "/" + environment.getId()))
        .body(EnvironmentResponse.of(environment));
  }

  @GetMapping
  EnvironmentListResponse list(
      @RequestParam(required = false) String status,
      @RequestParam(name = "label", required = false) List<String> labels,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    EnvironmentQuery query =
        new EnvironmentQuery(
            RequestParameters.status(status),
            RequestParameters.labels(labels),
            RequestParameters.limit(limit),
            RequestParameters.cursor(cursor));
    return EnvironmentListResponse.of(queries.list(query, callers.current()));
  }

  @GetMapping("/{id}")
  EnvironmentResponse get(@PathVariable String id) {
    return EnvironmentResponse.of(queries.get(RequestParameters.environmentId(id), callers.current()));
  }

  /**
   * Changes {@code ttl} (counted from now), {@code idleTimeout} and {@code labels} of a READY
   * environment; {@code If-Match: <version>} makes it conditional (412 when stale). Not activity.
   */
  @PatchMapping(path = "/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH_JSON})
  EnvironmentResponse updateEnvironment(
      @PathVariable String id,
      @Valid @RequestBody UpdateEnvironmentRequest request,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    UUID environmentId = RequestParameters.environmentId(id);
    Long expectedVersion = RequestParameters.ifMatch(ifMatch);
    return EnvironmentResponse.of(
        updater.update(environmentId, request.toCommand(), expectedVersion, callers.current()));
  }

  /** 202 while DESTROYING, 200 once DESTROYED; repeats answer the same and start nothing new. */
  @DeleteMapping("/{id}")
  ResponseEntity<EnvironmentResponse> destroy(
      @PathVariable String id, @RequestParam(name = "wait", required = false) String wait) {
    Environment environment =
        destroyer.destroy(RequestParameters.environmentId(id), RequestParameters.waitFor(wait), callers.current());
    HttpStatus status =
        environment.getStatus() == EnvironmentStatus.DESTROYED ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return ResponseEntity.status(status).body(EnvironmentResponse.of(environment));
  }
}
