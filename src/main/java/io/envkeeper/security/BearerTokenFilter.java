package io.envkeeper.security;

import io.envkeeper.security.TokenAuthenticator.PresentedToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.TransactionException;

/**
 * Reads {@code Authorization: Bearer <token>}. No header: the request goes on anonymous (and is
 * refused later unless its path is open). A header that is not a valid bearer token is refused at
 * once with 401, also on open paths, so a client with a broken token finds out; so are two
 * {@code Authorization} headers, valid or not.
 */
class BearerTokenFilter extends RefusingFilter {

  private static final String BEARER = "Bearer ";

  private final TokenAuthenticator authenticator;

  BearerTokenFilter(TokenAuthenticator authenticator, ProblemResponder problems) {
    super(problems);
    this.authenticator = authenticator;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      chain.doFilter(request, response);
      return;
    }
    Authentication authenticated;
    try {
      if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || hasSeveral(request)) {
        throw new InvalidBearerTokenException();
      }
      authenticated = authenticator.authenticate(new PresentedToken(header.substring(BEARER.length()).trim()));
    } catch (AuthenticationException e) {
      SecurityContextHolder.clearContext();
      refuse(request, response, e);
      return;
    } catch (DataAccessException | TransactionException e) {
      // The token table cannot be read: say the database is away (503), not that the token is bad.
      refuse(request, response, e);
      return;
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authenticated);
    SecurityContextHolder.setContext(context);
    chain.doFilter(request, response);
  }

  /**
   * Two {@code Authorization} headers: which one counts would depend on who reads them (this
   * filter, a proxy, a log), so neither does: 401, as for any token that is not valid.
   */
  private static boolean hasSeveral(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders(HttpHeaders.AUTHORIZATION);
    headers.nextElement();
    return headers.hasMoreElements();
  }
}
