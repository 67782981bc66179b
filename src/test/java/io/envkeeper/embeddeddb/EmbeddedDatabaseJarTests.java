package io.envkeeper.embeddeddb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded default as a user runs it: the packaged jar with no datasource configured, its data
 * under {@code envkeeper.data-dir}, killed with SIGKILL and started again on the same data.
 */
class EmbeddedDatabaseJarTests {

  private static final String BASE = "/api/v1/environments";

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-embedded");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void serviceKilledWithSigkillComesBackOnTheSameDataWithEverythingIntact() {
    String id;
    long stalePostmaster;
    // The packaged jar itself, started with `java -jar` as the README does (other jar tests run the
    // prepared form, see ServiceProcess).
    try (ServiceProcess first = ServiceProcess.startPackaged(sandbox.home(), sandbox.arguments())) {
      ApiClient api = first.api();
      id = api.post(BASE, "{\"name\":\"persist\",\"labels\":{\"k\":\"v\"}}").json().get("id").asString();
      first.kill();
      stalePostmaster = ServiceProcess.postmasterPid(sandbox.dataDir().resolve("postgres")).orElseThrow();
    }

    try (ServiceProcess second = ServiceProcess.startPackaged(sandbox.home(), sandbox.arguments())) {
      assertThat(ProcessHandle.of(stalePostmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      ApiClient api = second.api();
      assertThat(api.get(BASE + "/" + id).json().get("status").asString()).isEqualTo("READY");
      assertThat(api.get(BASE + "/" + id).json().get("labels").get("k").asString()).isEqualTo("v");
      assertThat(api.delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);

      int exit = second.stop(Duration.ofSeconds(30));

      assertThat(exit).isIn(0, 143);
    }
    // A clean stop takes the embedded server down with the service.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> ServiceProcess.postmasterPid(sandbox.dataDir().resolve("postgres")).isEmpty());
  }
}
