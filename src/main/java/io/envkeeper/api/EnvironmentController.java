package io.envkeeper.api;

import io.envkeeper.cluster.EnvironmentPlacement;
import io.envkeeper.environment.CreatedEnvironment;
import io.envkeeper.environment.EnvironmentCreator;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.environment.EnvironmentQuery;
import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.environment.EnvironmentUpdater;
import io.envkeeper.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
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
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/environments}: create, list, get, update and destroy, each for the calling tenant. */
@RestController
@RequestMapping(path = EnvironmentController.BASE_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Environments", description = "Create, list, read, change and destroy environments (a workspace"
    + " directory with its watcher and workers), each for the calling tenant.")
record EnvironmentController(
    EnvironmentCreator creator, EnvironmentQueries queries, EnvironmentDestroyer destroyer, EnvironmentUpdater updater,
    EnvironmentPlacement placement, JsonMapper json) {

  static final String BASE_PATH = "/api/v1/environments";
  static final String MERGE_PATCH_JSON = "application/merge-patch+json";

  /** Created here, or forwarded to the node it is placed on (then the owner's answer is written). */
  @Operation(operationId = "createEnvironment", summary = "Create an environment",
      description = "The workspace directory exists and its watcher runs before the answer. Without `path` the"
          + " service creates a managed workspace (`managed: true`, removed at destroy); with `path`, an existing"
          + " directory under a workspace root is used (`managed: false`, left on disk at destroy). In a cluster,"
          + " a managed environment is placed on the live node with the fewest READY environments, a `path` on"
          + " the node that receives the call, unless `node` names one; the node it lives on creates it.")
  @ApiResponse(responseCode = "201", description = "Created (or, for a retry with the same `Idempotency-Key` and"
      + " body, the environment that request created)", useReturnTypeSchema = true,
      headers = @Header(name = "Location", description = "The environment's URL", schema = @Schema(type = "string")))
  @ProblemResponse(status = 400, codes = {
    ProblemCode.INVALID_PATH, ProblemCode.PATH_NOT_FOUND, ProblemCode.PATH_NOT_DIRECTORY,
    ProblemCode.PATH_NOT_ALLOWED, ProblemCode.INVALID_IDEMPOTENCY_KEY, ProblemCode.INVALID_DURATION,
    ProblemCode.TTL_ABOVE_MAX, ProblemCode.IDLE_TIMEOUT_ABOVE_MAX})
  @ProblemResponse(status = 409, codes = {
    ProblemCode.PATH_IN_USE, ProblemCode.ENVIRONMENT_LIMIT_REACHED, ProblemCode.NODE_UNAVAILABLE})
  @ProblemResponse(status = 422, codes = ProblemCode.IDEMPOTENCY_KEY_REUSED)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<EnvironmentResponse> create(
      @Valid @RequestBody CreateEnvironmentRequest request,
      @Parameter(description = "Makes a retry safe: the same key and body return the first result (same id);"
          + " the same key with another body is refused. 1-255 visible ASCII characters; scoped to the tenant.",
          example = "create-web-app-7f3a")
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      HttpServletRequest servletRequest,
      HttpServletResponse servletResponse,
      @AuthenticationPrincipal Caller caller) {
    if (!placement.placeHere(request.node(), request.path() != null, servletRequest, servletResponse,
        () -> json.writeValueAsBytes(request))) {
      return null; // forwarded: the owner's answer has been written
    }
    CreatedEnvironment created =
        creator.create(request.toCommand(), RequestParameters.idempotencyKey(idempotencyKey), caller);
    Environment environment = created.environment();
    return ResponseEntity.created(URI.create(BASE_PATH + "/" + environment.getId()))
        .body(EnvironmentResponse.of(environment));
  }

  @Operation(operationId = "listEnvironments", summary = "List environments",
      description = "The calling tenant's environments (every tenant's for an admin), in a stable order"
          + " (createdAt, id), a page at a time: follow `nextCursor` until it is `null`.")
  @ApiResponse(responseCode = "200", description = "A page of environments", useReturnTypeSchema = true)
  @ProblemResponse(status = 400, codes = ProblemCode.INVALID_CURSOR)
  @GetMapping
  EnvironmentListResponse list(
      @Parameter(description = "Only environments in this status", schema = @Schema(implementation = EnvironmentStatus.class))
      @RequestParam(required = false) String status,
      @Parameter(description = "Only environments carrying this label, as `key:value`; repeat for several (all must match)",
          array = @ArraySchema(schema = @Schema(type = "string", pattern = "^[^:]+:.*$", example = "team:a")))
      @RequestParam(name = "label", required = false) List<String> labels,
      @Parameter(description = "Page size", schema = @Schema(type = "integer", format = "int32", minimum = "1",
          maximum = "500", defaultValue = "50"))
      @RequestParam(required = false) String limit,
      @Parameter(description = "`nextCursor` of the previous page", schema = @Schema(type = "string"))
      @RequestParam(required = false) String cursor,
      @AuthenticationPrincipal Caller caller) {
    EnvironmentQuery query =
        new EnvironmentQuery(
            RequestParameters.status(status),
            RequestParameters.labels(labels),
            RequestParameters.limit(limit),
            RequestParameters.cursor(cursor));
    return EnvironmentListResponse.of(queries.list(query, caller));
  }

  @Operation(operationId = "getEnvironment", summary = "Read an environment",
      description = "Answers in every status, DESTROYED included (the tombstone). Reads the database only:"
          + " it never starts or touches a watcher or a worker.")
  @ApiResponse(responseCode = "200", description = "The environment", useReturnTypeSchema = true)
  @GetMapping("/{id}")
  EnvironmentResponse get(
      @EnvironmentIdParameter @PathVariable String id,
      @AuthenticationPrincipal Caller caller) {
    return EnvironmentResponse.of(queries.poll(RequestParameters.environmentId(id), caller));
  }

  /**
   * Changes {@code ttl} (counted from now), {@code idleTimeout} and {@code labels} of a READY
   * environment; {@code If-Match: <version>} makes it conditional (412 when stale). Not activity.
   * Answered by whichever node receives it (a database write guarded by the version, not an owner
   * action): the owner's next expiry pass reads the new deadlines.
   */
  @Operation(operationId = "updateEnvironment", summary = "Change an environment's TTL, idle timeout or labels",
      description = "A JSON merge patch of `ttl`, `idleTimeout` and `labels`: a field left out is kept, `null` removes"
          + " it. `ttl` counts from this request; `labels` replaces every label. Only a READY environment can be"
          + " changed (a destroy that has begun is never put off: `410`). With `If-Match: <version>` the change"
          + " applies only to that version (`412 precondition_failed` otherwise: read it again and retry); without it,"
          + " to the current one. A patch that changes nothing keeps the version. Not activity.")
  @ApiResponse(responseCode = "200", description = "The environment after the change", useReturnTypeSchema = true)
  @ProblemResponse(status = 400, codes = {
    ProblemCode.INVALID_DURATION, ProblemCode.TTL_ABOVE_MAX, ProblemCode.IDLE_TIMEOUT_ABOVE_MAX})
  @ProblemResponse(status = 410, codes = ProblemCode.ENVIRONMENT_DESTROYED)
  @ProblemResponse(status = 412, codes = ProblemCode.PRECONDITION_FAILED)
  @PatchMapping(path = "/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH_JSON})
  EnvironmentResponse updateEnvironment(
      @EnvironmentIdParameter @PathVariable String id,
      @Valid @RequestBody UpdateEnvironmentRequest request,
      @Parameter(description = "Apply only if the environment is still at this `version` (bare or quoted: `3` or"
          + " `\"3\"`); `*` or absent: whatever its version", schema = @Schema(type = "string", example = "3"))
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @AuthenticationPrincipal Caller caller) {
    UUID environmentId = RequestParameters.environmentId(id);
    Long expectedVersion = RequestParameters.ifMatch(ifMatch);
    return EnvironmentResponse.of(
        updater.update(environmentId, request.toCommand(), expectedVersion, caller));
  }

  /** 202 while DESTROYING, 200 once DESTROYED; repeats answer the same and start nothing new. */
  @Operation(operationId = "destroyEnvironment", summary = "Destroy an environment",
      description = "Idempotent. `READY → DESTROYING` is committed before any teardown starts; workers are stopped,"
          + " the watcher closed and a managed workspace removed; then `DESTROYED`. A repeat answers the same and"
          + " never starts a second teardown. In a cluster any node accepts it, also while the environment's node is"
          + " down (`202`: that node finishes the teardown when it is back); with `wait` it runs on the live owner.")
  @ApiResponse(responseCode = "200", description = "The environment is DESTROYED", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "202", description = "Destroy accepted; the environment is DESTROYING",
      useReturnTypeSchema = true)
  @ProblemResponse(status = 503, codes = ProblemCode.ENVIRONMENT_BUSY)
  @DeleteMapping("/{id}")
  ResponseEntity<EnvironmentResponse> destroy(
      @EnvironmentIdParameter @PathVariable String id,
      @Parameter(description = "Wait up to this long (ISO-8601, at most `PT60S`) for DESTROYED before answering",
          schema = @Schema(type = "string", format = "duration", example = "PT10S"))
      @RequestParam(name = "wait", required = false) String wait,
      @AuthenticationPrincipal Caller caller) {
    Environment environment =
        destroyer.destroy(RequestParameters.environmentId(id), RequestParameters.waitFor(wait), caller);
    HttpStatus status =
        environment.getStatus() == EnvironmentStatus.DESTROYED ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return ResponseEntity.status(status).body(EnvironmentResponse.of(environment));
  }
}
