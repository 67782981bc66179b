package io.envkeeper.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problems of API.md: {@code type}, {@code title}, {@code status}, {@code detail}, {@code code}. */
final class Problems {

  static final String CODE = "code";

  private Problems() {}

  static ProblemDetail of(HttpStatusCode status, String code, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    return withCode(problem, code);
  }

  /** Adds {@code code} (and a matching {@code type}) to a problem that has none yet. */
  static ProblemDetail withCode(ProblemDetail problem, String code) {
    problem.setType(URI.create("urn:envkeeper:problem:" + code));
    HttpStatus status = HttpStatus.resolve(problem.getStatus());
    if (problem.getTitle() == null && status != null) {
      problem.setTitle(status.getReasonPhrase());
    }
    problem.setProperty(CODE, code);
    return problem;
  }

  /** The generic code of a status, for framework errors that carry no code of their own. */
  static String codeForStatus(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 409 -> "conflict";
      case 412 -> "precondition_failed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "rate_limited";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
  }
}
