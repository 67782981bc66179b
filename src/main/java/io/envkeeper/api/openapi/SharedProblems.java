package io.envkeeper.api.openapi;

import static io.envkeeper.api.ProblemCode.BAD_REQUEST;
import static io.envkeeper.api.ProblemCode.BODY_TOO_COMPLEX;
import static io.envkeeper.api.ProblemCode.DATABASE_UNAVAILABLE;
import static io.envkeeper.api.ProblemCode.ENVIRONMENT_BUSY;
import static io.envkeeper.api.ProblemCode.ENVIRONMENT_DESTROYED;
import static io.envkeeper.api.ProblemCode.ENVIRONMENT_NOT_FOUND;
import static io.envkeeper.api.ProblemCode.FORBIDDEN;
import static io.envkeeper.api.ProblemCode.INVALID_FIELD;
import static io.envkeeper.api.ProblemCode.INVALID_ID;
import static io.envkeeper.api.ProblemCode.INVALID_PARAMETER;
import static io.envkeeper.api.ProblemCode.INVALID_URL;
import static io.envkeeper.api.ProblemCode.MALFORMED_JSON;
import static io.envkeeper.api.ProblemCode.NODE_UNAVAILABLE;
import static io.envkeeper.api.ProblemCode.PAYLOAD_TOO_LARGE;
import static io.envkeeper.api.ProblemCode.RATE_LIMITED;
import static io.envkeeper.api.ProblemCode.UNAUTHORIZED;
import static io.envkeeper.api.ProblemCode.UNKNOWN_FIELD;
import static io.envkeeper.api.ProblemCode.UNSUPPORTED_MEDIA_TYPE;
import static io.envkeeper.api.ProblemCode.VALIDATION_FAILED;

import io.envkeeper.api.ProblemCode;
import io.swagger.v3.oas.models.Operation;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The problems an operation can answer because of where it sits, not what it does: the contract's
 * cross-cutting rules (API.md), so no handler has to repeat them and a new endpoint gets them
 * without a line of documentation.
 *
 * <ul>
 *   <li>every {@code /api/v1} call: a malformed URL or query (400), no valid token (401), the rate
 *       limit (429), the database away or a process that does not hold its node's lease (503: a
 *       second process started with a live node's id serves nothing);
 *   <li>a call with a JSON body: a body that is not JSON, not of the documented shape or invalid
 *       (400), too large (413), not JSON at all (415);
 *   <li>a path parameter documented as a UUID: not one (400);
 *   <li>{@code /environments/{id}} and below: unknown or another tenant's (404);
 *   <li>below {@code /environments/{id}/}: DESTROYING or DESTROYED (410), its lock busy or its node
 *       (the owner, which every such call is forwarded to) not available (503);
 *   <li>{@code /admin}: a token without the admin role (403).
 * </ul>
 */
final class SharedProblems {

  static final String API_PREFIX = "/api/v1/";
  private static final String ENVIRONMENT = API_PREFIX + "environments/{id}";
  private static final String ADMIN = API_PREFIX + "admin/";

  private SharedProblems() {}

  /** Codes by status for the operation at this path. */
  static Map<Integer, Set<ProblemCode>> of(String path, Operation operation) {
    Map<Integer, Set<ProblemCode>> codes = new TreeMap<>();
    add(codes, 400, INVALID_URL, INVALID_PARAMETER, BAD_REQUEST);
    add(codes, 401, UNAUTHORIZED);
    add(codes, 429, RATE_LIMITED);
    add(codes, 503, DATABASE_UNAVAILABLE, NODE_UNAVAILABLE);
    if (operation.getRequestBody() != null) {
      add(codes, 400, MALFORMED_JSON, INVALID_FIELD, UNKNOWN_FIELD, VALIDATION_FAILED, BODY_TOO_COMPLEX);
      add(codes, 413, PAYLOAD_TOO_LARGE);
      add(codes, 415, UNSUPPORTED_MEDIA_TYPE);
    }
    if (hasUuidPathParameter(operation)) {
      add(codes, 400, INVALID_ID);
    }
    if (path.equals(ENVIRONMENT) || path.startsWith(ENVIRONMENT + "/")) {
      add(codes, 404, ENVIRONMENT_NOT_FOUND);
    }
    if (path.startsWith(ENVIRONMENT + "/")) {
      add(codes, 410, ENVIRONMENT_DESTROYED);
      add(codes, 503, ENVIRONMENT_BUSY);
    }
    if (path.startsWith(ADMIN)) {
      add(codes, 403, FORBIDDEN);
    }
    return codes;
  }

  private static boolean hasUuidPathParameter(Operation operation) {
    return operation.getParameters() != null
        && operation.getParameters().stream()
            .anyMatch(parameter -> "path".equals(parameter.getIn())
                && parameter.getSchema() != null
                && "uuid".equals(parameter.getSchema().getFormat()));
  }

  private static void add(Map<Integer, Set<ProblemCode>> codes, int status, ProblemCode... more) {
    codes.computeIfAbsent(status, missing -> EnumSet.noneOf(ProblemCode.class)).addAll(Set.of(more));
  }
}
