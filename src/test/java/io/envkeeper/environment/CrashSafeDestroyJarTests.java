package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.FaultPoint;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ServiceProcess;
import io.envkeeper.support.JarSandbox;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The real jar halted (as by kill -9, through a fault-injection run's hook) at each point of a destroy,
 * then started again: every case ends DESTROYED, the directory gone, no process left.
 */
class CrashSafeDestroyJarTests {

  private static final String BASE = "/api/v1/environments";

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-crash");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @ParameterizedTest
  @EnumSource(names = {"AFTER_DESTROYING_COMMIT", "MID_WORKER_STOP", "BEFORE_DIRECTORY_REMOVAL", "AFTER_DIRECTORY_REMOVAL"})
  void destroyInterruptedByACrashConvergesAfterRestart(FaultPoint crashPoint) throws Exception {
    String env;
    Path workspace;
    int workerPid;
    List<String> crashing = new ArrayList<>(arguments());
    crashing.addAll(ServiceProcess.crashingAt(crashPoint));
    try (ServiceProcess first = ServiceProcess.start(sandbox.home(), crashing)) {
      ApiClient api = first.api();
      JsonNode created = api.post(BASE, "{\"name\":\"crash\"}").json();
      env = created.get("id").asString();
      workspace = Path.of(created.get("path").asString());
      Files.writeString(workspace.resolve("work.txt"), "unsaved");
      workerPid = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"stubborn\"}").json().get("pid").asInt();
      sandbox.track(workerPid);

      try {
        api.delete(BASE + "/" + env + "?wait=PT10S");
      } catch (UncheckedIOException halted) {
        // the service halted while answering
      }

      assertThat(first.awaitExit(Duration.ofSeconds(30))).as(first.log()).isEqualTo(137);
    }

    try (ServiceProcess second = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = second.api();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> api.get(BASE + "/" + env).json().get("status").asString().equals("DESTROYED"));

      assertThat(workspace).doesNotExist();
      assertThat(JarSandbox.isRunning(workerPid)).isFalse();
      assertThat(api.get(BASE + "/" + env + "/workers").status()).isEqualTo(410);
      assertThat(second.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        // Ignores SIGTERM and stdin: only SIGKILL (or crash recovery) ends it.
        "--envkeeper.workers.profiles.stubborn.command[0]=sh",
        "--envkeeper.workers.profiles.stubborn.command[1]=-c",
        "--envkeeper.workers.profiles.stubborn.command[2]=trap '' TERM; while true; do sleep 0.05; done",
        "--envkeeper.workers.profiles.stubborn.stop-grace=500ms"));
    return arguments;
  }

}
