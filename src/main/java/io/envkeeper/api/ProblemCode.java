package io.envkeeper.api;

import java.util.Locale;

/**
 * Every {@code code} a problem+json answer of this service can carry: {@link Problems} takes
 * nothing else, so this list cannot drift from what the service says, and the API description's
 * {@code Problem.code} enum is generated from it. A new failure needs a constant here first.
 */
public enum ProblemCode {
  BAD_REQUEST("the request line, URL encoding or headers are malformed (refused by the HTTP server itself)"),
  MALFORMED_JSON("the body is not JSON (or has trailing content, a duplicate field, bytes that are not UTF-8)"),
  INVALID_FIELD("a field has the wrong type or shape"),
  UNKNOWN_FIELD("the body has a field the API does not know"),
  VALIDATION_FAILED("a field breaks its constraints; `errors` lists the fields"),
  BODY_TOO_COMPLEX("JSON nested deeper than `envkeeper.api.max-json-depth`, or a number too long"),
  INVALID_PATH("the path is not absolute and well formed (relative, `..`, NUL byte, too long)"),
  PATH_NOT_FOUND("nothing exists at the path"),
  PATH_NOT_DIRECTORY("the path exists but is not a directory"),
  PATH_NOT_ALLOWED("the real path (symlinks resolved) is not strictly under a workspace root"),
  INVALID_ID("an id in the URL is not a UUID"),
  INVALID_PARAMETER("a query parameter or header is malformed or out of range"),
  INVALID_CURSOR("the `cursor` is not one this service issued"),
  INVALID_IDEMPOTENCY_KEY("`Idempotency-Key` is not 1-255 visible ASCII characters"),
  INVALID_DURATION("`ttl` or `idleTimeout` is not an ISO-8601 duration, or is zero, negative, not whole seconds,"
      + " or a century or more"),
  TTL_ABOVE_MAX("`ttl` is above `envkeeper.environments.max-ttl`, or a PATCH removes it while that cap is set"),
  IDLE_TIMEOUT_ABOVE_MAX("`idleTimeout` is above `envkeeper.environments.max-idle-timeout`, or a PATCH removes it"
      + " while that cap is set"),
  INVALID_URL("the URL holds an encoded slash, `..`, `;`, `//`, a backslash or a control character"),
  UNKNOWN_PROFILE("no configured worker profile has this name"),
  INVALID_ARGS("`args` for a profile without `allow-args`, or beyond the argument caps"),
  UNAUTHORIZED("no `Authorization: Bearer <token>`, or the token is unknown, revoked or malformed"),
  FORBIDDEN("the call needs a token with the admin role"),
  NOT_FOUND("no such route"),
  ENVIRONMENT_NOT_FOUND("no environment has this id, or it belongs to another tenant"),
  WORKER_NOT_FOUND("no worker with this id in this environment"),
  TOKEN_NOT_FOUND("no issued token has this id"),
  NODE_NOT_FOUND("no node of this id ever held a lease"),
  METHOD_NOT_ALLOWED("the route does not take this method"),
  NOT_ACCEPTABLE("the response cannot be given in a media type the `Accept` header allows"),
  CONFLICT("the request conflicts with the current state"),
  PATH_IN_USE("another environment that is not DESTROYED uses this path, or one inside or above it"),
  ENVIRONMENT_LIMIT_REACHED("the tenant already has its most environments that are not DESTROYED"),
  WORKER_LIMIT_REACHED("the profile's, environment's or tenant's most running workers already run"),
  NODE_LIVE("the node still holds a live lease: only a node that is down can be retired"),
  ENVIRONMENT_DESTROYED("the environment is DESTROYING or DESTROYED: nothing under it answers any more"),
  PRECONDITION_FAILED("the `If-Match` version is not the environment's current `version`: read it again and retry"),
  PAYLOAD_TOO_LARGE("the body is over `envkeeper.api.max-body-size`"),
  UNSUPPORTED_MEDIA_TYPE("the body's `Content-Type` is not `application/json`"),
  IDEMPOTENCY_KEY_REUSED("the `Idempotency-Key` came back with another body"),
  RATE_LIMITED("the token made more requests than its rate allows; see `Retry-After`"),
  INTERNAL_ERROR("an unexpected failure on the service's side"),
  SPAWN_FAILED("the profile's program could not be started (not found, not executable)"),
  ENVIRONMENT_BUSY("the environment's lock was not free within its bound; see `Retry-After`"),
  DATABASE_UNAVAILABLE("the database cannot be reached; see `Retry-After`"),
  NODE_UNAVAILABLE("the node the call needs is not available: the environment's node (or the `node` the body"
      + " names) is unknown, retired, down or unreachable, or this process does not hold its node's lease"),
  SERVICE_UNAVAILABLE("the service cannot answer now");

  private final String description;

  ProblemCode(String description) {
    this.description = description;
  }

  /** The snake_case value of the problem's {@code code} member. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** When the service answers with this code, for people reading the API description. */
  public String description() {
    return description;
  }
}
