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

/** Charges each authenticated {@code /api} request to its token's bucket; over the rate, 429. */
class RateLimitFilter extends RefusingFilter {

  private final RequestRateLimiter limiter;

  RateLimitFilter(RequestRateLimiter limiter, ProblemResponder problems) {
    super(problems);
    this.limiter = limiter;
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
        refuse(request, response, new RateLimitExceededException(wait.get()));
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
