package io.envkeeper.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker runs as the service's own user, so without more it could read the service's environment
 * (its secrets) through {@code /proc/<service pid>/environ}. The service marks itself non-dumpable
 * at start-up, which refuses that to same-user processes without {@code CAP_SYS_PTRACE}.
 *
 * <p>Tests run as root, and root reads any process's environment; so the service runs here as an
 * unprivileged user ({@code nobody}), as in the container image, and its worker tries.
 */
class ServiceEnvironmentJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final int NOBODY = 65534;

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-service-environment");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void aWorkerCannotReadTheServicesEnvironment() throws IOException {
    String secret = "canary-" + UUID.randomUUID();
    try (ServiceProcess service =
        ServiceProcess.start(sandbox.home(), arguments(), asUnprivilegedUser(), Map.of("ENVKEEPER_TEST_SECRET", secret))) {
      ApiClient api = service.api();
      String environment = api.post(BASE, "{\"name\":\"snooped\"}").json().get("id").asString();
      Response worker = api.post(BASE + "/" + environment + "/workers", "{\"profile\":\"snoop\"}");
      assertThat(worker.status()).as(worker.body()).isEqualTo(201);
      sandbox.track(worker.json().get("pid").asInt());
      String log = BASE + "/" + environment + "/workers/" + worker.json().get("id").asString() + "/log?tail=200";
      await().atMost(Duration.ofSeconds(20)).until(() -> api.get(log).body().contains("snoop-done"));

      String output = api.get(log).body();
      assertThat(output).doesNotContain(secret).contains("Permission denied");
      api.delete(BASE + "/" + environment + "?wait=PT20S");
    }
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        "--envkeeper.workers.profiles.snoop.command[0]=sh",
        "--envkeeper.workers.profiles.snoop.command[1]=-c",
        // The worker's parent is the service (spawned directly, no shell in between).
        "--envkeeper.workers.profiles.snoop.command[2]=cat /proc/$PPID/environ 2>&1 | tr '\\000' '\\n'; echo snoop-done; exec sleep 600"));
    return arguments;
  }

  /** As root: run as nobody, owning its directories. Otherwise the test user is unprivileged already. */
  private List<String> asUnprivilegedUser() throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return List.of();
    }
    Files.createDirectories(sandbox.home().resolve("tmp"));
    for (Path path : List.of(sandbox.home(), sandbox.home().resolve("tmp"))) {
      Files.setAttribute(path, "unix:uid", NOBODY);
      Files.setAttribute(path, "unix:gid", NOBODY);
    }
    return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--");
  }
}
