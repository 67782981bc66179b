package io.envkeeper.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A security filter that may refuse a request before it goes on. The refusal is answered through
 * the API's one problem mapping (via {@link ProblemResponder}), so it reads like any other problem.
 */
abstract class RefusingFilter extends OncePerRequestFilter {

  private final ProblemResponder problems;

  RefusingFilter(ProblemResponder problems) {
    this.problems = problems;
  }

  /** Answers the request with the problem {@code refusal} maps to; the chain does not go on. */
  void refuse(HttpServletRequest request, HttpServletResponse response, Exception refusal) throws IOException {
    problems.respond(request, response, refusal);
  }
}
