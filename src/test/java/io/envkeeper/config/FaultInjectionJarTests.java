package io.envkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault-injection hooks are test machinery: variables of a production pod arm nothing, and the
 * profile given any other way than on the command line stops the start-up. (That an armed run does
 * halt at its point is what CrashSafeDestroyJarTests and WorkerCrashJarTests rely on.)
 */
class FaultInjectionJarTests {

  private static final String BASE = "/api/v1/environments";
  /** What a production pod's environment could carry: the hooks' own keys in every spelling. */
  private static final Map<String, String> TEST_VARIABLES = Map.of(
      "ENVKEEPER_TEST_CRASH_AT", "after-destroying-commit",
      "ENVKEEPER_TEST_HANG_AT", "shutdown");

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-faults");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void testVariablesAloneArmNothing() {
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), sandbox.arguments(), TEST_VARIABLES)) {
      destroyCompletes(service.api());

      assertThat(service.stop(Duration.ofSeconds(30))).as(service.log()).isIn(0, 143); // no hang at shutdown
    }
  }

  /** The cluster's hook too: lease renewals stop while its file exists, but only in a fault-injection run. */
  @Test
  void aHeartbeatStallFileFromAVariableStallsNothing() throws IOException {
    Path stallFile = Files.createFile(sandbox.home().resolve("stall-heartbeat"));
    Map<String, String> variables = Map.of("ENVKEEPER_TEST_HEARTBEAT_STALL_FILE", stallFile.toString());
    // Ready only with its lease: a node whose heartbeats stall never takes one.
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), sandbox.arguments(), variables)) {
      destroyCompletes(service.api());
    }
  }

  @Test
  void profileOnTheCommandLineStillIgnoresPointsFromVariables() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.add("--spring.profiles.active=fault-injection");
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments, TEST_VARIABLES)) {
      destroyCompletes(service.api());

      assertThat(service.stop(Duration.ofSeconds(30))).as(service.log()).isIn(0, 143);
    }
  }

  @Test
  void profileFromAnEnvironmentVariableRefusesToStart() {
    Map<String, String> variables = new java.util.HashMap<>(TEST_VARIABLES);
    variables.put("SPRING_PROFILES_ACTIVE", "fault-injection");
    try (ServiceProcess service = ServiceProcess.launch(sandbox.home(), sandbox.arguments(), variables)) {
      int exit = service.awaitExit(Duration.ofSeconds(120));

      assertThat(exit).isNotZero();
      assertThat(service.log()).contains("not given as --spring.profiles.active on the command line");
    }
  }

  private static void destroyCompletes(ApiClient api) {
    String env = api.post(BASE, "{\"name\":\"faults\"}").json().get("id").asString();
    ApiClient.Response destroyed = api.delete(BASE + "/" + env + "?wait=PT20S");
    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(destroyed.json().get("status").asString()).isEqualTo("DESTROYED");
  }
}
