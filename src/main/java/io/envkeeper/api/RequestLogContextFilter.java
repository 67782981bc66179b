package io.envkeeper.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the environment id and worker id that a request path names
 * ({@code /api/v1/environments/{id}/workers/{wid}/…}) into the SLF4J MDC while the request is
 * served, so every log line written for it carries them (as fields of the structured JSON logs).
 * Cleared afterwards: pooled request threads never carry one request's ids into the next.
 */
@Component
// First of all filters, so the lines that authentication and the other filters log carry the ids too.
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogContextFilter extends OncePerRequestFilter {

  static final String ENVIRONMENT_ID = "environmentId";
  static final String WORKER_ID = "workerId";

  /**
   * Ids are taken only when they look like ids (UUID characters, bounded length): a path segment
   * is client input and must not inject arbitrary text into every log line.
   */
  private static final Pattern PATH =
      Pattern.compile("^/api/v1/environments/([A-Za-z0-9-]{1,64})(?:/workers/([A-Za-z0-9-]{1,64}))?(?:/.*)?$");

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Matcher ids = PATH.matcher(request.getRequestURI().substring(request.getContextPath().length()));
    if (!ids.matches()) {
      chain.doFilter(request, response);
      return;
    }
    MDC.put(ENVIRONMENT_ID, ids.group(1));
    if (ids.group(2) != null) {
      MDC.put(WORKER_ID, ids.group(2));
    }
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove(ENVIRONMENT_ID);
      MDC.remove(WORKER_ID);
    }
  }

  /** An async dispatch (the event stream) runs on another thread: it needs the ids set again. */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }
}
