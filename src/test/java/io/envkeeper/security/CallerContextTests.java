package io.envkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;

class CallerContextTests {

  private final CallerContext callers = new CallerContext();

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  @Test
  void currentIsTheAuthenticatedCaller() {
    Caller caller = new Caller("team-a", ClientRole.CLIENT, "t1");
    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));

    assertThat(callers.current()).isEqualTo(caller);
  }

  @Test
  void noCallerIsAnAuthenticationFailure() {
    assertThatThrownBy(callers::current).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void onlyAdminsReachOtherTenants() {
    Caller client = new Caller("team-a", ClientRole.CLIENT, "t1");
    Caller admin = new Caller("ops", ClientRole.ADMIN, "t2");

    assertThat(client.canAccess("team-a")).isTrue();
    assertThat(client.canAccess("team-b")).isFalse();
    assertThat(admin.canAccess("team-b")).isTrue();
  }
}
