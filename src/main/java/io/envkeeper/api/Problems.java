package io.envkeeper.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problems of API.md: {@code type}, {@code title}, {@code status}, {@code detail}, {@code code}. */
final class Problems {

  static final String CODE = "code";

  private Problems() {}

  static ProblemDetail of(HttpStatusCode status, ProblemCode code, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    return withCode(problem, code);
  }

  /** Adds {@code code} (and a matching {@code type}) to a problem that has none yet. */
  static ProblemDetail withCode(ProblemDetail problem, ProblemCode code) {
    problem.setType(type(code));
    HttpStatus status = HttpStatus.resolve(problem.getStatus());
    if (problem.getTitle() == null && status != null) {
      problem.setTitle(status.getReasonPhrase());
    }
    problem.setProperty(CODE, code.code());
    return problem;
  }

  /** The problem's {@code type}: a URN naming its code. */
  static URI type(ProblemCode code) {
    return URI.create("urn:envkeeper:problem:" + code.code());
  }

  /** The generic code of a status, for framework errors that carry no code of their own. */
  static ProblemCode codeForStatus(int status) {
    return switch (status) {
      case 400 -> ProblemCode.BAD_REQUEST;
      case 401 -> ProblemCode.UNAUTHORIZED;
      case 403 -> ProblemCode.FORBIDDEN;
      case 404 -> ProblemCode.NOT_FOUND;
      case 405 -> ProblemCode.METHOD_NOT_ALLOWED;
      case 406 -> ProblemCode.NOT_ACCEPTABLE;
      case 409 -> ProblemCode.CONFLICT;
      case 412 -> ProblemCode.PRECONDITION_FAILED;
      case 413 -> ProblemCode.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemCode.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ProblemCode.RATE_LIMITED;
      case 503 -> ProblemCode.SERVICE_UNAVAILABLE;
      default -> status >= 500 ? ProblemCode.INTERNAL_ERROR : ProblemCode.BAD_REQUEST;
    };
  }
}
