package io.envkeeper.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated {@link Caller} in the SecurityContext. Holds no credentials: the token is gone. */
final class CallerAuthentication extends AbstractAuthenticationToken {

  static final String ROLE_CLIENT = "ROLE_CLIENT";
  static final String ROLE_ADMIN = "ROLE_ADMIN";

  private final Caller caller;

  CallerAuthentication(Caller caller) {
    super(authorities(caller.role()));
    this.caller = caller;
    setAuthenticated(true);
  }

  /** An admin may do everything a client may. */
  private static List<GrantedAuthority> authorities(ClientRole role) {
    return switch (role) {
      case CLIENT -> List.of(new SimpleGrantedAuthority(ROLE_CLIENT));
      case ADMIN -> List.of(new SimpleGrantedAuthority(ROLE_ADMIN), new SimpleGrantedAuthority(ROLE_CLIENT));
    };
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.tenant() + "/" + caller.tokenId();
  }
}
