package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** State written by one application context is read back by a new one on the same database. */
class RestartIntegrationTests {

  private static final String BASE = "/api/v1/environments";

  @Test
  void environmentsSurviveARestartOfTheApplication() {
    Path managedRoot = TestDirectories.create("restart-managed");
    String ready;
    String destroyed;
    try (ConfigurableApplicationContext first = start(managedRoot)) {
      ApiClient api = api(first);
      ready = api.post(BASE, "{\"name\":\"survivor\",\"labels\":{\"k\":\"v\"}}").json().get("id").asString();
      destroyed = api.post(BASE, "{\"name\":\"gone\"}").json().get("id").asString();
      assertThat(api.delete(BASE + "/" + destroyed + "?wait=PT10S").status()).isEqualTo(200);
    }

    try (ConfigurableApplicationContext second = start(managedRoot)) {
      ApiClient api = api(second);
      Response survivor = api.get(BASE + "/" + ready);
      assertThat(survivor.status()).isEqualTo(200);
      assertThat(survivor.json().get("status").asString()).isEqualTo("READY");
      assertThat(survivor.json().get("labels").get("k").asString()).isEqualTo("v");
      assertThat(Path.of(survivor.json().get("path").asString())).isDirectory();
      assertThat(api.get(BASE + "/" + destroyed).json().get("status").asString()).isEqualTo("DESTROYED");
      assertThat(api.get(BASE + "/" + destroyed + "/workspace").status()).isEqualTo(410);
      assertThat(api.delete(BASE + "/" + ready + "?wait=PT10S").status()).isEqualTo(200);
    }
  }

  private static ConfigurableApplicationContext start(Path managedRoot) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.data-dir=" + TestDirectories.create("restart-data"),
        "envkeeper.workspace.roots[0]=" + managedRoot,
        "envkeeper.workspace.managed-root=" + managedRoot));
    properties.addAll(TestTokens.propertyStrings());
    return TestApplication.start(properties);
  }

  private static ApiClient api(ConfigurableApplicationContext context) {
    return new ApiClient(TestApplication.port(context));
  }
}
