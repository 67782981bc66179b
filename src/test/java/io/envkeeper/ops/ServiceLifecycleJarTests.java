package io.envkeeper.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.FaultPoint;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.CgroupTree;
import io.envkeeper.support.ServiceProcess;
import io.envkeeper.support.JarSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as operators run it: nothing keeps it from exiting within its bounds, no
 * worker outlives it, and two services never share a data dir.
 */
class ServiceLifecycleJarTests {

  private static final String BASE = "/api/v1/environments";

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-lifecycle");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  /** A worker ignoring SIGTERM and the shutdown message, and a shutdown step that hangs for good. */
  @Test
  void hungShutdownStillExitsWithinTheBoundAndKillsEveryWorker() {
    List<String> arguments = new ArrayList<>(arguments());
    arguments.addAll(ServiceProcess.hangingAt(FaultPoint.SHUTDOWN));
    arguments.addAll(List.of(
        "--envkeeper.shutdown.timeout=3s",
        "--envkeeper.shutdown.force-exit-after=6s",
        "--envkeeper.workers.profiles.stubborn.stop-grace=60s"));
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments)) {
      ApiClient api = service.api();
      String env = api.post(BASE, "{\"name\":\"shutdown\"}").json().get("id").asString();
      int stubborn = startWorker(api, env, "stubborn");
      int coop = startWorker(api, env, "coop");
      await().atMost(Duration.ofSeconds(10)).until(() -> api.get(BASE + "/" + env + "/workers").body().contains("RUNNING"));

      long started = System.nanoTime();
      int exit = service.stop(Duration.ofSeconds(30));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(exit).as(service.log()).isEqualTo(3); // forced exit: the hang never returned
      assertThat(took).isLessThan(Duration.ofSeconds(6 + 4));
      assertThat(JarSandbox.isRunning(stubborn)).isFalse();
      assertThat(JarSandbox.isRunning(coop)).isFalse();
      assertThat(service.log()).contains("SIGKILL");
    }
  }

  @Test
  void cleanShutdownStopsWorkersWithTheProtocolAndRecordsThem() {
    String env;
    String worker;
    int pid;
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = service.api();
      env = api.post(BASE, "{\"name\":\"clean\"}").json().get("id").asString();
      var started = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"coop\"}").json();
      worker = started.get("id").asString();
      pid = started.get("pid").asInt();
      sandbox.track(pid);
      if (CgroupTree.writable()) {
        assertThat(CgroupTree.of(pid)).as("the worker runs in a cgroup of its own").contains(sandbox.workerCgroups().resolve(worker));
      }

      assertThat(service.stop(Duration.ofSeconds(30))).isIn(0, 143);
      assertThat(JarSandbox.isRunning(pid)).isFalse();
      if (CgroupTree.writable()) {
        assertThat(sandbox.workerCgroups()).as("the workers' cgroups, after a clean stop").doesNotExist();
      }
    }
    try (ServiceProcess again = ServiceProcess.start(sandbox.home(), arguments())) {
      var row = again.api().get(BASE + "/" + env + "/workers/" + worker).json();
      assertThat(row.get("status").asString()).isEqualTo("EXITED");
      assertThat(row.get("exitCode").asInt()).isZero(); // acked the shutdown message and exited
    }
  }

  @Test
  void secondServiceOnTheSameDataDirFailsNamingTheHolderAndTheHolderCarriesOn() {
    try (ServiceProcess holder = ServiceProcess.start(sandbox.home(), arguments());
        ServiceProcess intruder = ServiceProcess.launch(sandbox.home(), arguments())) {
      int exit = intruder.awaitExit(Duration.ofSeconds(90));

      assertThat(exit).isNotZero();
      assertThat(intruder.log()).contains("pid " + holder.pid()).contains("instance.lock");
      assertThat(holder.api().get("/actuator/health/readiness").status()).isEqualTo(200);
      assertThat(holder.api().post(BASE, "{\"name\":\"still-here\"}").status()).isEqualTo(201);
    }
  }

  private int startWorker(ApiClient api, String env, String profile) {
    int pid = api.post(BASE + "/" + env + "/workers", "{\"profile\":\"" + profile + "\"}").json().get("pid").asInt();
    sandbox.track(pid);
    return pid;
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        "--envkeeper.workers.profiles.coop.command[0]=sh",
        "--envkeeper.workers.profiles.coop.command[1]=-c",
        "--envkeeper.workers.profiles.coop.command[2]=while read line; do [ \"$line\" = shutdown ] && echo bye && exit 0; done",
        "--envkeeper.workers.profiles.coop.shutdown-message=shutdown",
        "--envkeeper.workers.profiles.coop.ack-line=bye",
        "--envkeeper.workers.profiles.stubborn.command[0]=sh",
        "--envkeeper.workers.profiles.stubborn.command[1]=-c",
        "--envkeeper.workers.profiles.stubborn.command[2]=trap '' TERM; while true; do sleep 0.05; done"));
    return arguments;
  }

}
