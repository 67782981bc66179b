package io.envkeeper.api;

import io.envkeeper.cluster.NodeLiveException;
import io.envkeeper.cluster.NodeNotFoundException;
import io.envkeeper.cluster.NodeUnavailableException;
import io.envkeeper.cluster.PlacementRefusedException;
import io.envkeeper.environment.EnvironmentDestroyedException;
import io.envkeeper.environment.EnvironmentLimitReachedException;
import io.envkeeper.environment.EnvironmentNotFoundException;
import io.envkeeper.environment.IdempotencyKeyReusedException;
import io.envkeeper.environment.NotOwnerException;
import io.envkeeper.environment.PathInUseException;
import io.envkeeper.environment.PreconditionFailedException;
import io.envkeeper.refusal.RefusedException;
import io.envkeeper.runtime.EnvironmentLocks.EnvironmentBusyException;
import io.envkeeper.runtime.RuntimeRefusedException;
import io.envkeeper.runtime.process.SpawnFailedException;
import io.envkeeper.security.ClientTokenNotFoundException;
import io.envkeeper.security.InvalidBearerTokenException;
import io.envkeeper.security.RateLimitExceededException;
import io.envkeeper.worker.WorkerNotFoundException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place failures become problem+json. Feature exceptions map to their stable codes; the
 * framework's own errors (unreadable body, wrong media type, unknown route) get a code by status.
 * Nothing reaches a client as a stack trace or an HTML page.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  /** Feature exceptions answered with their own message: the status and code of each type. */
  private static final Map<Class<? extends RuntimeException>, Answer> ANSWERS = Map.ofEntries(
      Map.entry(EnvironmentNotFoundException.class, new Answer(HttpStatus.NOT_FOUND, ProblemCode.ENVIRONMENT_NOT_FOUND)),
      Map.entry(EnvironmentDestroyedException.class, new Answer(HttpStatus.GONE, ProblemCode.ENVIRONMENT_DESTROYED)),
      Map.entry(RuntimeRefusedException.class, new Answer(HttpStatus.GONE, ProblemCode.ENVIRONMENT_DESTROYED)),
      Map.entry(PlacementRefusedException.class, new Answer(HttpStatus.CONFLICT, ProblemCode.NODE_UNAVAILABLE)),
      Map.entry(NodeLiveException.class, new Answer(HttpStatus.CONFLICT, ProblemCode.NODE_LIVE)),
      Map.entry(NodeNotFoundException.class, new Answer(HttpStatus.NOT_FOUND, ProblemCode.NODE_NOT_FOUND)),
      Map.entry(WorkerNotFoundException.class, new Answer(HttpStatus.NOT_FOUND, ProblemCode.WORKER_NOT_FOUND)),
      Map.entry(PathInUseException.class, new Answer(HttpStatus.CONFLICT, ProblemCode.PATH_IN_USE)),
      Map.entry(IdempotencyKeyReusedException.class, new Answer(HttpStatus.UNPROCESSABLE_CONTENT, ProblemCode.IDEMPOTENCY_KEY_REUSED)),
      Map.entry(PreconditionFailedException.class, new Answer(HttpStatus.PRECONDITION_FAILED, ProblemCode.PRECONDITION_FAILED)),
      Map.entry(EnvironmentLimitReachedException.class, new Answer(HttpStatus.CONFLICT, ProblemCode.ENVIRONMENT_LIMIT_REACHED)),
      Map.entry(ClientTokenNotFoundException.class, new Answer(HttpStatus.NOT_FOUND, ProblemCode.TOKEN_NOT_FOUND)));

  /** Refusals answered 409 (the request is well formed; the state refuses it); any other is 400. */
  private static final Set<ProblemCode> CONFLICTING_REFUSALS =
      EnumSet.of(ProblemCode.WORKER_LIMIT_REACHED, ProblemCode.WORKSPACE_MISSING, ProblemCode.WORKSPACE_MOVED);

  private record Answer(HttpStatus status, ProblemCode code) {}

  static {
    // The handler's list and the table name the same types: one in a single list fails the start.
    try {
      Set<Class<?>> handled = Set.of(ProblemAdvice.class.getDeclaredMethod("answered", RuntimeException.class)
          .getAnnotation(ExceptionHandler.class).value());
      if (!handled.equals(ANSWERS.keySet())) {
        throw new IllegalStateException("answered() handles " + handled + " but ANSWERS maps " + ANSWERS.keySet());
      }
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every type of {@link #ANSWERS}. */
  @ExceptionHandler({
    EnvironmentNotFoundException.class,
    EnvironmentDestroyedException.class,
    RuntimeRefusedException.class,
    PlacementRefusedException.class,
    NodeLiveException.class,
    NodeNotFoundException.class,
    WorkerNotFoundException.class,
    PathInUseException.class,
    IdempotencyKeyReusedException.class,
    PreconditionFailedException.class,
    EnvironmentLimitReachedException.class,
    ClientTokenNotFoundException.class
  })
  ResponseEntity<ProblemDetail> answered(RuntimeException e) {
    Answer answer = answerFor(e.getClass());
    return problem(answer.status(), answer.code(), e.getMessage());
  }

  /** The answer for {@code type} or, for a subclass, for its nearest mapped superclass. */
  private static Answer answerFor(Class<?> type) {
    for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
      Answer answer = ANSWERS.get(candidate);
      if (answer != null) {
        return answer;
      }
    }
    throw new IllegalStateException("no answer mapped for " + type.getName());
  }

  /** A feature's refusal: its reason names the code. */
  @ExceptionHandler(RefusedException.class)
  ResponseEntity<ProblemDetail> refused(RefusedException e) {
    ProblemCode code = ProblemCode.valueOf(e.code().toUpperCase(Locale.ROOT));
    return problem(CONFLICTING_REFUSALS.contains(code) ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST, code, e.getMessage());
  }

  @ExceptionHandler(EnvironmentBusyException.class)
  ResponseEntity<ProblemDetail> busy(EnvironmentBusyException e) {
    log.warn("{}", e.getMessage());
    return unavailable(ProblemCode.ENVIRONMENT_BUSY, e.getMessage(), 1);
  }

  // Cluster: owners, leases and nodes.

  @ExceptionHandler(NodeUnavailableException.class)
  ResponseEntity<ProblemDetail> nodeUnavailable(NodeUnavailableException e) {
    return unavailable(ProblemCode.NODE_UNAVAILABLE, e.getMessage(), e.retryAfterSeconds());
  }

  /** An owner action refused by the fence (the lease ran out meanwhile): the node is not serving as owner. */
  @ExceptionHandler(NotOwnerException.class)
  ResponseEntity<ProblemDetail> notOwner(NotOwnerException e) {
    log.warn("{}", e.getMessage());
    return unavailable(ProblemCode.NODE_UNAVAILABLE, e.getMessage(), 5);
  }

  @ExceptionHandler(SpawnFailedException.class)
  ResponseEntity<ProblemDetail> spawnFailed(SpawnFailedException e) {
    log.error("{}", e.getMessage());
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, ProblemCode.SPAWN_FAILED, e.getMessage());
  }

  @ExceptionHandler(InvalidRequestException.class)
  ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
  }

  @ExceptionHandler(RequestBodyTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(RequestBodyTooLargeException e) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, ProblemCode.PAYLOAD_TOO_LARGE, e.getMessage());
  }

  // Access: tenants, tokens, roles and limits.

  /** 401 with {@code WWW-Authenticate: Bearer} (RFC 6750; {@code error="invalid_token"} for a bad one). */
  @ExceptionHandler(AuthenticationException.class)
  ResponseEntity<ProblemDetail> unauthorized(AuthenticationException e) {
    boolean invalidToken = e instanceof InvalidBearerTokenException;
    String challenge = invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer";
    String detail = invalidToken ? e.getMessage() : "this call needs an 'Authorization: Bearer <token>' header";
    ResponseEntity<ProblemDetail> response = problem(HttpStatus.UNAUTHORIZED, ProblemCode.UNAUTHORIZED, detail);
    return ResponseEntity.status(response.getStatusCode())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .body(response.getBody());
  }

  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> forbidden(AccessDeniedException e) {
    return problem(HttpStatus.FORBIDDEN, ProblemCode.FORBIDDEN, "this call needs a token with the admin role");
  }

  @ExceptionHandler(RateLimitExceededException.class)
  ResponseEntity<ProblemDetail> rateLimited(RateLimitExceededException e) {
    return withRetryAfter(problem(HttpStatus.TOO_MANY_REQUESTS, ProblemCode.RATE_LIMITED, e.getMessage()),
        e.retryAfterSeconds());
  }

  /** URLs refused by the firewall: encoded slashes or dots, {@code ..}, {@code ;}, control characters. */
  @ExceptionHandler(RequestRejectedException.class)
  ResponseEntity<ProblemDetail> rejectedUrl(RequestRejectedException e) {
    return problem(HttpStatus.BAD_REQUEST, ProblemCode.INVALID_URL, "the request URL is malformed or not allowed");
  }

  /** A query parameter the container cannot decode (bad percent-encoding, not UTF-8). */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
    return problem(HttpStatus.BAD_REQUEST, ProblemCode.INVALID_PARAMETER,
        "a query parameter is not valid percent-encoded UTF-8");
  }

  @ExceptionHandler({
    CannotCreateTransactionException.class,
    DataAccessResourceFailureException.class,
    QueryTimeoutException.class
  })
  ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
    log.warn("database unavailable: {}", e.toString());
    return unavailable(ProblemCode.DATABASE_UNAVAILABLE, "the database is unavailable; retry later", 5);
  }

  /** A 503 says when to come back: every one carries {@code Retry-After}. */
  private static ResponseEntity<ProblemDetail> unavailable(ProblemCode code, String detail, long retryAfterSeconds) {
    return withRetryAfter(problem(HttpStatus.SERVICE_UNAVAILABLE, code, detail), retryAfterSeconds);
  }

  private static ResponseEntity<ProblemDetail> withRetryAfter(ResponseEntity<ProblemDetail> response, long seconds) {
    return ResponseEntity.status(response.getStatusCode())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
        .body(response.getBody());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    if (DatabaseFailures.isUnavailable(e)) {
      return databaseUnavailable(e);
    }
    log.error("unexpected failure", e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, ProblemCode.INTERNAL_ERROR, "an unexpected error occurred");
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof RequestBodyTooLargeException tooLarge) {
      return asObject(tooLarge(tooLarge));
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return asObject(problem(HttpStatus.BAD_REQUEST, ProblemCode.UNKNOWN_FIELD,
          "unknown field '" + unknown.getPropertyName() + "'"));
    }
    if (cause instanceof StreamConstraintsException) {
      // Jackson's own message names its classes and settings; say it in the API's terms.
      return asObject(problem(HttpStatus.BAD_REQUEST, ProblemCode.BODY_TOO_COMPLEX,
          "the request body is nested too deeply or holds a number or name that is too long"));
    }
    if (cause instanceof StreamReadException || cause == e || isTrailingContent(cause)) {
      return asObject(problem(HttpStatus.BAD_REQUEST, ProblemCode.MALFORMED_JSON, "the request body is not valid JSON"));
    }
    return asObject(problem(HttpStatus.BAD_REQUEST, ProblemCode.INVALID_FIELD, wrongType(cause)));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    List<Map<String, String>> errors =
        e.getBindingResult().getFieldErrors().stream().map(ProblemAdvice::fieldError).toList();
    ProblemDetail problem =
        Problems.of(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, describe(errors));
    problem.setProperty("errors", errors);
    return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return asObject(problem(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, "a parameter of the request is not valid"));
  }

  /**
   * Framework errors: keep Spring's status, add the code this API promises, and say what failed in
   * the API's terms. Spring's own details quote library internals (a parser's complaint about a
   * media type, a conversion's type names), so they are replaced, never passed on.
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem = body instanceof ProblemDetail detail ? detail : ProblemDetail.forStatus(status);
    if (problem.getProperties() == null || !problem.getProperties().containsKey(Problems.CODE)) {
      problem.setDetail(FrameworkErrors.detail(e, status));
      Problems.withCode(problem, Problems.codeForStatus(status.value()));
    }
    HttpHeaders problemHeaders = new HttpHeaders();
    problemHeaders.putAll(headers);
    problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return super.handleExceptionInternal(e, problem, problemHeaders, status, request);
  }

  /**
   * Content after the body's one JSON value ({@code {"name":"a"} {}}): Jackson reports it as a
   * binding mismatch, but the body is simply not one JSON document.
   */
  private static boolean isTrailingContent(Throwable cause) {
    return cause instanceof MismatchedInputException mismatch
        && mismatch.getOriginalMessage() != null
        && mismatch.getOriginalMessage().startsWith("Trailing token");
  }

  private static Map<String, String> fieldError(FieldError error) {
    return Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage()));
  }

  private static String describe(List<Map<String, String>> errors) {
    return errors.stream()
        .map(error -> error.get("field") + " " + error.get("message"))
        .reduce((a, b) -> a + "; " + b)
        .orElse("the request is invalid");
  }

  /** Names the offending field without leaking Java type names. */
  private static String wrongType(Throwable cause) {
    if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
      String field =
          databind.getPath().stream()
              .map(reference -> reference.getPropertyName() != null
                  ? reference.getPropertyName() : "[" + reference.getIndex() + "]")
              .reduce((a, b) -> a + "." + b)
              .orElse("");
      return "field '" + field + "' has the wrong type or shape";
    }
    return "the request body must be a JSON object of the documented shape";
  }

  /**
   * The content type is set, not negotiated: an error is problem+json whatever the client's
   * {@code Accept} says, even one that cannot be parsed.
   */
  private static ResponseEntity<ProblemDetail> problem(HttpStatus status, ProblemCode code, String detail) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(Problems.of(status, code, detail));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }
}
