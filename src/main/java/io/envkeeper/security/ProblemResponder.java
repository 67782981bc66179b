package io.envkeeper.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Answers security failures that happen in filters, before any controller: it hands the exception
 * to Spring MVC's exception resolvers, so the API's one {@code @RestControllerAdvice} turns it
 * into problem+json like every other error (401 with {@code WWW-Authenticate}, 403, 429, 400).
 */
@Component
class ProblemResponder implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

  private final HandlerExceptionResolver resolver;

  ProblemResponder(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    respond(request, response, e);
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    respond(request, response, e);
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    respond(request, response, e);
  }

  void respond(HttpServletRequest request, HttpServletResponse response, Exception e) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    if (resolver.resolveException(request, response, null, e) == null) {
      // No resolver took it (cannot happen while the API's advice is present): still no HTML page.
      response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    }
  }
}
