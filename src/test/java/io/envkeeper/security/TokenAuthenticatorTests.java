package io.envkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.envkeeper.security.SecurityProperties.ConfiguredToken;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTests {

  private static final String ADMIN_TOKEN = "ek_admin-token-for-a-unit-test-0000000000000000";
  private static final String CLIENT_TOKEN = "ek_client-token-for-a-unit-test-000000000000000";

  private final ClientTokens issued = mock(ClientTokens.class);
  private final TokenAuthenticator authenticator = new TokenAuthenticator(
      new SecurityProperties(List.of(
          new ConfiguredToken(TokenHash.of(ADMIN_TOKEN), "ops", ClientRole.ADMIN),
          new ConfiguredToken(TokenHash.of(CLIENT_TOKEN).toUpperCase().replace("SHA256", "sha256"), "team-a", ClientRole.CLIENT)),
          true,
          Duration.ofSeconds(2)),
      issued);

  @Test
  void configuredTokensActForTheirTenantAndRoleWithoutTouchingTheTable() {
    Caller admin = authenticator.authenticate(ADMIN_TOKEN).orElseThrow();
    Caller client = authenticator.authenticate(CLIENT_TOKEN).orElseThrow();

    assertThat(admin.tenant()).isEqualTo("ops");
    assertThat(admin.isAdmin()).isTrue();
    assertThat(client.tenant()).isEqualTo("team-a");
    assertThat(client.role()).isEqualTo(ClientRole.CLIENT);
    assertThat(client.tokenId()).startsWith("config:").doesNotContain(CLIENT_TOKEN);
    verify(issued, never()).findActive(anyString());
  }

  @Test
  void otherTokensAreLookedUpByHashOnly() {
    when(issued.findActive(anyString())).thenReturn(Optional.empty());

    assertThat(authenticator.authenticate("ek_unknown")).isEmpty();

    verify(issued).findActive(TokenHash.of("ek_unknown"));
  }

  @Test
  void malformedTokensAreRefusedBeforeAnyLookup() {
    for (String token : List.of("", " ", "a b", "ek_\u0000", "ek_é", "x".repeat(257), "\"quoted\"", "a=b")) {
      assertThat(authenticator.authenticate(token)).as(token).isEmpty();
    }
    verify(issued, never()).findActive(anyString());
  }

  @Test
  void anAuthenticatedCallerCarriesNoCredentials() {
    var authentication = authenticator.authenticate(new TokenAuthenticator.PresentedToken(ADMIN_TOKEN));

    assertThat(authentication.getCredentials()).isNull();
    assertThat(authentication.getPrincipal()).isInstanceOf(Caller.class);
    assertThat(authentication.getAuthorities()).extracting(Object::toString)
        .containsExactlyInAnyOrder("ROLE_ADMIN", "ROLE_CLIENT");
    assertThat(authentication.toString()).doesNotContain(ADMIN_TOKEN);
  }

  @Test
  void anInvalidTokenIsAnAuthenticationFailure() {
    when(issued.findActive(anyString())).thenReturn(Optional.empty());

    assertThatThrownBy(() -> authenticator.authenticate(new TokenAuthenticator.PresentedToken("ek_nope")))
        .isInstanceOf(InvalidBearerTokenException.class)
        .hasMessageNotContaining("ek_nope");
  }

  @Test
  void tokenHashIsTheSha256HexOfTheToken() {
    // printf %s abc | sha256sum
    assertThat(TokenHash.of("abc"))
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
