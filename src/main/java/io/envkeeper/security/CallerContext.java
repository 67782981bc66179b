package io.envkeeper.security;

import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The caller of the current request, for controllers to hand to the service layer. Services take
 * the {@link Caller} as a parameter rather than reading this themselves, so they stay testable
 * and usable from threads that serve no request (teardown, reconciler).
 */
@Component
public class CallerContext {

  /** The authenticated caller; a 401 ({@code AuthenticationException}) when there is none. */
  public Caller current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
      return caller;
    }
    throw new AuthenticationCredentialsNotFoundException("this call needs an 'Authorization: Bearer <token>' header");
  }
}
