package io.envkeeper.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A token configuration that cannot be right stops start-up with a message naming the property. */
class SecurityConfigurationValidationTests {

  private static final String VALID_HASH = TokenHash.of("ek_some-token");

  @Test
  void hashThatIsNotSha256HexFailsStartUp() {
    assertThatThrownBy(() -> start("envkeeper.security.tokens[0].hash=5f4dcc3b5aa765d61d8327deb882cf99",
            "envkeeper.security.tokens[0].tenant=a", "envkeeper.security.tokens[0].role=client"))
        .hasStackTraceContaining("envkeeper.security.tokens[0].hash")
        .hasStackTraceContaining("must be sha256:<64 hex digits of the token's SHA-256>");
  }

  @Test
  void plainTokenConfiguredAsHashFailsStartUp() {
    assertThatThrownBy(() -> start("envkeeper.security.tokens[0].hash=ek_some-token",
            "envkeeper.security.tokens[0].tenant=a", "envkeeper.security.tokens[0].role=client"))
        .hasStackTraceContaining("envkeeper.security.tokens[0].hash");
  }

  @Test
  void missingTenantOrUnknownRoleFailsStartUp() {
    assertThatThrownBy(() -> start("envkeeper.security.tokens[0].hash=" + VALID_HASH,
            "envkeeper.security.tokens[0].role=client"))
        .hasStackTraceContaining("envkeeper.security.tokens[0].tenant");
    assertThatThrownBy(() -> start("envkeeper.security.tokens[0].hash=" + VALID_HASH,
            "envkeeper.security.tokens[0].tenant=a", "envkeeper.security.tokens[0].role=root"))
        .hasStackTraceContaining("envkeeper.security.tokens[0].role");
  }

  @Test
  void sameHashConfiguredTwiceFailsStartUp() {
    assertThatThrownBy(() -> start(
            "envkeeper.security.tokens[0].hash=" + VALID_HASH, "envkeeper.security.tokens[0].tenant=a",
            "envkeeper.security.tokens[0].role=client",
            "envkeeper.security.tokens[1].hash=" + VALID_HASH.toUpperCase().replace("SHA256", "sha256"),
            "envkeeper.security.tokens[1].tenant=b", "envkeeper.security.tokens[1].role=admin"))
        .hasStackTraceContaining("envkeeper.security.tokens[1].hash: the same hash is configured twice");
  }

  private static void start(String... tokenProperties) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.data-dir=" + TestDirectories.create("validation-data"),
        "envkeeper.workspace.roots[0]=" + TestDirectories.create("validation-root"),
        "envkeeper.workspace.managed-root=" + TestDirectories.create("validation-managed")));
    properties.addAll(List.of(tokenProperties));
    TestApplication.start(properties).close();
  }
}
