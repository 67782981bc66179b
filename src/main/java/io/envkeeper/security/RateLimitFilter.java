package io.envkeeper.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Charges each authenticated {@code /api} request to its token's bucket; over the rate, 429. */
class RateLimitFilter extends OncePerRequestFilter {

  private final RequestRateLimiter limiter;
  private final ProblemResponder problems;

  RateLimitFilter(RequestRateLimiter limiter, ProblemResponder problems) {
    this.limiter = limiter;
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
      Optional<Duration> wait = limiter.tryAcquire(caller);
      if (wait.isPresent()) {
        problems.respond(request, response, new RateLimitExceededException(wait.get()));
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
