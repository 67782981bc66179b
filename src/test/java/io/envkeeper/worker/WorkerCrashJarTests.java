package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.FaultPoint;
import io.envkeeper.support.OsProcesses;
import java.io.UncheckedIOException;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ServiceProcess;
import io.envkeeper.support.JarSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service killed with SIGKILL while workers run: a cooperative worker sees EOF on stdin
 * (the keepalive) and exits by itself; one that ignores it is stopped by crash recovery when the
 * service starts again. Nothing is left running.
 */
class WorkerCrashJarTests {

  private static final String BASE = "/api/v1/environments";

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-workers");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void workersOfAKilledServiceAreGoneAfterItsRestart() {
    String env;
    String coop;
    String stubborn;
    int coopPid;
    int stubbornPid;
    try (ServiceProcess first = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = first.api();
      env = api.post(BASE, "{\"name\":\"crash\"}").json().get("id").asString();
      JsonNode coopWorker = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"coop\"}").json();
      JsonNode stubbornWorker = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"stubborn\"}").json();
      coop = coopWorker.get("id").asString();
      stubborn = stubbornWorker.get("id").asString();
      coopPid = coopWorker.get("pid").asInt();
      stubbornPid = stubbornWorker.get("pid").asInt();
      sandbox.track(coopPid);
      sandbox.track(stubbornPid);
      await().atMost(Duration.ofSeconds(10)).until(() -> api.get(BASE + "/" + env + "/workers/" + stubborn + "/log").body().contains("started"));

      first.kill();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> !JarSandbox.isRunning(coopPid));
    assertThat(JarSandbox.isRunning(stubbornPid)).as("ignores EOF and SIGTERM").isTrue();

    try (ServiceProcess second = ServiceProcess.start(sandbox.home(), arguments())) {
      // Recovery ran at start-up, before readiness.
      assertThat(JarSandbox.isRunning(stubbornPid)).isFalse();
      ApiClient api = second.api();
      JsonNode stubbornRow = api.get(BASE + "/" + env + "/workers/" + stubborn).json();
      assertThat(stubbornRow.get("status").asString()).isEqualTo("EXITED");
      assertThat(stubbornRow.get("lastError").asString()).contains("crash recovery");
      assertThat(api.get(BASE + "/" + env + "/workers/" + coop).json().get("status").asString()).isIn("EXITED", "LOST");
      assertThat(api.delete(BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);
      assertThat(second.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }

  /** A crash after the spawn and before the row's commit: the untracked worker is found and stopped. */
  @Test
  void workerSpawnedJustBeforeACrashIsStoppedAfterTheRestart() {
    String env;
    List<String> crashing = new ArrayList<>(arguments());
    crashing.addAll(ServiceProcess.crashingAt(FaultPoint.AFTER_SPAWN_BEFORE_COMMIT));
    try (ServiceProcess first = ServiceProcess.start(sandbox.home(), crashing)) {
      ApiClient api = first.api();
      env = api.post(BASE, "{\"name\":\"spawn-crash\"}").json().get("id").asString();
      try {
        api.post(BASE + "/" + env + "/workers", "{\"profile\":\"stubborn\"}");
      } catch (UncheckedIOException halted) {
        // the service halted while answering
      }
      assertThat(first.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
    }
    List<Integer> untracked = OsProcesses.all().stream()
        .filter(process -> !process.isZombie() && process.pid() == process.pgrp()) // the worker, not its short-lived children
        .filter(process -> env.equals(OsProcesses.environmentOf(process.pid()).get("ENVKEEPER_ENVIRONMENT_ID")))
        .map(OsProcesses.Stat::pid)
        .toList();
    untracked.forEach(sandbox::track); // before asserting: a failure must not leave it running
    assertThat(untracked).as("the worker outlived the crash, with no row").hasSize(1);

    try (ServiceProcess second = ServiceProcess.start(sandbox.home(), arguments())) {
      assertThat(JarSandbox.isRunning(untracked.get(0))).isFalse();
      assertThat(second.api().get(BASE + "/" + env + "/workers").json().get("items")).isEmpty();
      assertThat(second.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        "--envkeeper.workers.profiles.coop.command[0]=sh",
        "--envkeeper.workers.profiles.coop.command[1]=-c",
        "--envkeeper.workers.profiles.coop.command[2]=while read line; do :; done",
        "--envkeeper.workers.profiles.stubborn.command[0]=sh",
        "--envkeeper.workers.profiles.stubborn.command[1]=-c",
        "--envkeeper.workers.profiles.stubborn.command[2]=trap '' TERM; echo started; while true; do sleep 0.05; done",
        "--envkeeper.workers.profiles.stubborn.stop-grace=500ms"));
    return arguments;
  }

}
