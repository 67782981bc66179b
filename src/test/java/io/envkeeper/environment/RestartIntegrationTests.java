package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.support.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** State written by one application context is read back by a new one on the same database. */
class RestartIntegrationTests {

  private static final String BASE = "/api/v1/environments";

  @Test
  void environmentsSurviveARestartOfTheApplication() throws Exception {
    Path managedRoot = TestDirectories.create("restart-managed");
    String node = "restart-" + UUID.randomUUID();
    String ready;
    String destroyed;
    try (ConfigurableApplicationContext first = start(managedRoot, node)) {
      ApiClient api = api(first);
      ready = api.post(BASE, "{\"name\":\"survivor\",\"labels\":{\"k\":\"v\"}}").json().get("id").asString();
      destroyed = api.post(BASE, "{\"name\":\"gone\"}").json().get("id").asString();
      assertThat(api.delete(BASE + "/" + destroyed + "?wait=PT10S").status()).isEqualTo(200);
    }

    try (ConfigurableApplicationContext second = start(managedRoot, node)) {
      ApiClient api = api(second);
      // Watched from start-up, not from the first poll: a change made before any poll is seen.
      assertThat(second.getBean(RuntimeManager.class).liveIds()).containsExactly(UUID.fromString(ready));
      Path workspace = managedRoot.resolve(ready);
      Files.writeString(workspace.resolve("before-first-poll"), "x");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          api.get(BASE + "/" + ready + "/workspace").json().get("changes").toString().contains("before-first-poll"));
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

  private static ConfigurableApplicationContext start(Path managedRoot, String node) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.node.id=" + node,
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
