package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentDestroyedException;
import io.envkeeper.environment.EnvironmentLimitReachedException;
import io.envkeeper.environment.EnvironmentNotFoundException;
import io.envkeeper.environment.IdempotencyKeyReusedException;
import io.envkeeper.environment.PathInUseException;
import io.envkeeper.runtime.EnvironmentLocks.EnvironmentBusyException;
import io.envkeeper.runtime.RuntimeRefusedException;
import io.envkeeper.runtime.process.SpawnFailedException;
import io.envkeeper.runtime.process.WorkspaceUnusableException;
import io.envkeeper.worker.WorkerNotFoundException;
import io.envkeeper.worker.WorkerRequestException;
import io.envkeeper.security.ClientTokenNotFoundException;
import io.envkeeper.security.InvalidBearerTokenException;
import io.envkeeper.security.RateLimitExceededException;
import io.envkeeper.workspace.InvalidWorkspacePathException;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place failures become problem+json. Feature exceptions map to their stable codes; the
 * framework's own errors (unreadable body, wrong media type, unknown route) get a code by status.
 * Nothing reaches a client as a stack trace or an HTML page.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(EnvironmentNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(EnvironmentNotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "environment_not_found", e.getMessage());
  }

  @ExceptionHandler(EnvironmentDestroyedException.class)
  ResponseEntity<ProblemDetail> destroyed(EnvironmentDestroyedException e) {
    return problem(HttpStatus.GONE, "environment_destroyed", e.getMessage());
  }

  @ExceptionHandler(RuntimeRefusedException.class)
  ResponseEntity<ProblemDetail> runtimeRefused(RuntimeRefusedException e) {
    return problem(HttpStatus.GONE, "environment_destroyed", e.getMessage());
  }

  @ExceptionHandler(EnvironmentBusyException.class)
  ResponseEntity<ProblemDetail> busy(EnvironmentBusyException e) {
    log.warn("{}", e.getMessage());
    return withRetryAfter(problem(HttpStatus.SERVICE_UNAVAILABLE, "environment_busy", e.getMessage()), 1);
  }

  @ExceptionHandler(WorkerNotFoundException.class)
  ResponseEntity<ProblemDetail> workerNotFound(WorkerNotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "worker_not_found", e.getMessage());
  }

  @ExceptionHandler(WorkerRequestException.class)
  ResponseEntity<ProblemDetail> workerRefused(WorkerRequestException e) {
    HttpStatus status =
        e.reason() == WorkerRequestException.Reason.WORKER_LIMIT_REACHED ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
    return problem(status, e.code(), e.getMessage());
  }

  @ExceptionHandler(SpawnFailedException.class)
  ResponseEntity<ProblemDetail> spawnFailed(SpawnFailedException e) {
    log.error("{}", e.getMessage());
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "spawn_failed", e.getMessage());
  }

  @ExceptionHandler(WorkspaceUnusableException.class)
  ResponseEntity<ProblemDetail> workspaceUnusable(WorkspaceUnusableException e) {
    return problem(HttpStatus.CONFLICT, e.code(), e.getMessage());
  }

  @ExceptionHandler(PathInUseException.class)
  ResponseEntity<ProblemDetail> pathInUse(PathInUseException e) {
    return problem(HttpStatus.CONFLICT, "path_in_use", e.getMessage());
  }

  @ExceptionHandler(IdempotencyKeyReusedException.class)
  ResponseEntity<ProblemDetail> idempotencyKeyReused(IdempotencyKeyReusedException e) {
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused", e.getMessage());
  }

  @ExceptionHandler(InvalidWorkspacePathException.class)
  ResponseEntity<ProblemDetail> invalidPath(InvalidWorkspacePathException e) {
    return problem(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
  }

  @ExceptionHandler(InvalidRequestException.class)
  ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
  }

  @ExceptionHandler(RequestBodyTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(RequestBodyTooLargeException e) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", e.getMessage());
  }

  // Access: tenants, tokens, roles and limits.

  @ExceptionHandler(EnvironmentLimitReachedException.class)
  ResponseEntity<ProblemDetail> environmentLimitReached(EnvironmentLimitReachedException e) {
    return problem(HttpStatus.CONFLICT, "environment_limit_reached", e.getMessage());
  }

  @ExceptionHandler(ClientTokenNotFoundException.class)
  ResponseEntity<ProblemDetail> tokenNotFound(ClientTokenNotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "token_not_found", e.getMessage());
  }

  /** 401 with {@code WWW-Authenticate: Bearer} (RFC 6750; {@code error="invalid_token"} for a bad one). */
  @ExceptionHandler(AuthenticationException.class)
  ResponseEntity<ProblemDetail> unauthorized(AuthenticationException e) {
    boolean invalidToken = e instanceof InvalidBearerTokenException;
    String challenge = invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer";
    String detail = invalidToken ? e.getMessage() : "this call needs an 'Authorization: Bearer <token>' header";
    ResponseEntity<ProblemDetail> response = problem(HttpStatus.UNAUTHORIZED, "unauthorized", detail);
    return ResponseEntity.status(response.getStatusCode())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .body(response.getBody());
  }

  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> forbidden(AccessDeniedException e) {
    return problem(HttpStatus.FORBIDDEN, "forbidden", "this call needs a token with the admin role");
  }

  @ExceptionHandler(RateLimitExceededException.class)
  ResponseEntity<ProblemDetail> rateLimited(RateLimitExceededException e) {
    ResponseEntity<ProblemDetail> response = problem(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", e.getMessage());
    return ResponseEntity.status(response.getStatusCode())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
        .body(response.getBody());
  }

  /** URLs refused by the firewall: encoded slashes or dots, {@code ..}, {@code ;}, control characters. */
  @ExceptionHandler(RequestRejectedException.class)
  ResponseEntity<ProblemDetail> rejectedUrl(RequestRejectedException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid_url", "the request URL is malformed or not allowed");
  }

  /** A query parameter the container cannot decode (bad percent-encoding, not UTF-8). */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid_parameter",
        "a query parameter is not valid percent-encoded UTF-8");
  }

  @ExceptionHandler({
    CannotCreateTransactionException.class,
    DataAccessResourceFailureException.class,
    QueryTimeoutException.class
  })
  ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
    log.warn("database unavailable: {}", e.toString());
    return withRetryAfter(
        problem(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable", "the database is unavailable; retry later"), 5);
  }

  private static ResponseEntity<ProblemDetail> withRetryAfter(ResponseEntity<ProblemDetail> response, int seconds) {
    return ResponseEntity.status(response.getStatusCode())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.RETRY_AFTER, Integer.toString(seconds))
        .body(response.getBody());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    if (DatabaseFailures.isUnavailable(e)) {
      return databaseUnavailable(e);
    }
    log.error("unexpected failure", e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred");
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof RequestBodyTooLargeException tooLarge) {
      return asObject(tooLarge(tooLarge));
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return asObject(problem(HttpStatus.BAD_REQUEST, "unknown_field",
          "unknown field '" + unknown.getPropertyName() + "'"));
    }
    if (cause instanceof StreamConstraintsException) {
      return asObject(problem(HttpStatus.BAD_REQUEST, "body_too_complex", cause.getMessage()));
    }
    if (cause instanceof StreamReadException || cause == e) {
      return asObject(problem(HttpStatus.BAD_REQUEST, "malformed_json", "the request body is not valid JSON"));
    }
    return asObject(problem(HttpStatus.BAD_REQUEST, "invalid_field", wrongType(cause)));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    List<Map<String, String>> errors =
        e.getBindingResult().getFieldErrors().stream().map(ProblemAdvice::fieldError).toList();
    ProblemDetail problem =
        Problems.of(HttpStatus.BAD_REQUEST, "validation_failed", describe(errors));
    problem.setProperty("errors", errors);
    return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return asObject(problem(HttpStatus.BAD_REQUEST, "validation_failed", e.getMessage()));
  }

  /** Framework errors: keep Spring's status and detail, add the code this API promises. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem =
        body instanceof ProblemDetail detail ? detail : ProblemDetail.forStatusAndDetail(status, e.getMessage());
    if (problem.getProperties() == null || !problem.getProperties().containsKey(Problems.CODE)) {
      Problems.withCode(problem, Problems.codeForStatus(status.value()));
    }
    HttpHeaders problemHeaders = new HttpHeaders();
    problemHeaders.putAll(headers);
    problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return super.handleExceptionInternal(e, problem, problemHeaders, status, request);
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
  private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(Problems.of(status, code, detail));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }
}
