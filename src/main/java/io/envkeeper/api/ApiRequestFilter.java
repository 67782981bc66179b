package io.envkeeper.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A filter over the API's requests ({@code /api/...}) that may refuse one before any handler runs.
 * The refusal is written here, as problem+json, because no handler (and so no advice) is reached.
 */
abstract class ApiRequestFilter extends OncePerRequestFilter {

  private final JsonMapper json;

  ApiRequestFilter(JsonMapper json) {
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  /** Answers the request with this problem; the caller does not go on down the chain. */
  void refuse(HttpServletResponse response, HttpStatus status, ProblemCode code, String detail) throws IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), Problems.of(status, code, detail));
  }
}
