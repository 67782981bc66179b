package io.envkeeper.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * On the separate management port every request acts as admin: that port is meant to be reachable
 * only from inside the cluster (Prometheus, probes, operators), so it shows full health details and
 * metrics without a token.
 */
class ManagementPortFilter extends OncePerRequestFilter {

  static final Caller MANAGEMENT_PORT = new Caller("management-port", ClientRole.ADMIN, "management-port");

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(MANAGEMENT_PORT));
    SecurityContextHolder.setContext(context);
    chain.doFilter(request, response);
  }
}
