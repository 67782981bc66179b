package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.OsProcesses;
import io.envkeeper.support.WorkerCalls;
import io.envkeeper.support.ZombieWatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Nothing a worker starts outlives its environment, whatever it does to escape, and everything the
 * service kills is reaped at once. Real processes; a real cgroup v2 tree where the host has one.
 */
@TestPropertySource(properties = {
  // The user's case: the standard daemon pattern (fork, setsid, chdir /) started from a worker. The
  // socket goes into the workspace (-a, relative), which the destroy removes.
  "envkeeper.workers.profiles.agent.command=sh,-c,eval $(ssh-agent -s -a agent.sock) && echo agent=$SSH_AGENT_PID && sleep 1000",
  // A descendant that is gone from every trace within milliseconds: double fork, new session,
  // out of the workspace, environment cleared (so no ENVKEEPER_* tag is left either).
  "envkeeper.workers.profiles.vanisher.command=sh,-c,( setsid sh -c 'cd / && echo vanished $$ && exec env -i sleep 1001' & ) ; echo started; exec sleep 1000",
  // Descendants left to the service when their parent dies: five in new sessions, one in the group.
  "envkeeper.workers.profiles.spawner.command=sh,-c,for i in 1 2 3 4 5; do setsid sleep 1002 & echo child $!; done; sleep 1003 & echo child $!; wait",
  "envkeeper.workers.profiles.spawner.stop-grace=200ms",
  "envkeeper.workers.track-interval=100ms"
})
class WorkerContainmentIntegrationTests extends IntegrationTest {

  private WorkerCalls calls;

  @BeforeEach
  void callTheService() {
    calls = new WorkerCalls(api());
  }

  @AfterEach
  void leaveNoProcessBehind() {
    calls.killSurvivors();
  }

  @Test
  void sshAgentStartedByAWorkerDiesWithItsEnvironment() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "agent");
    int agent = calls.awaitPids(env, worker, "agent", 1).get(0);
    assertThat(OsProcesses.isRunning(agent)).isTrue();
    assertThat(OsProcesses.of(agent).orElseThrow().session()).as("the agent left the worker's session")
        .isNotEqualTo(OsProcesses.of(worker.get("pid").asInt()).orElseThrow().session());

    assertThat(api().delete(WorkerCalls.BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);

    assertThat(OsProcesses.isRunning(agent)).as("ssh-agent pid %d after the destroy", agent).isFalse();
    await().atMost(Duration.ofSeconds(1)).until(() -> OsProcesses.of(agent).isEmpty());
  }

  @Test
  void descendantThatVanishesWithinMillisecondsDiesWithItsEnvironment() {
    assumeThat(containment()).as("a double-forked, setsid, cd /, env -i descendant is held only by a cgroup;"
        + " this host gives the service none (health reaper.containment)").isEqualTo("cgroup");
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "vanisher");
    int vanished = calls.awaitPids(env, worker, "vanished", 1).get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> OsProcesses.of(vanished)
        .filter(stat -> stat.ppid() == ProcessHandle.current().pid()).isPresent()); // orphaned: re-parented to us
    assertThat(OsProcesses.environmentOf(vanished)).doesNotContainKey("ENVKEEPER_WORKER_ID");

    assertThat(api().delete(WorkerCalls.BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);

    assertThat(OsProcesses.isRunning(vanished)).as("pid %d after the destroy", vanished).isFalse();
  }

  @Test
  void killedDescendantsAreNeverLeftAsZombies() throws Exception {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "spawner");
    List<Integer> children = calls.awaitPids(env, worker, "child", 6);
    await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().allMatch(OsProcesses::isRunning));

    try (ZombieWatch watch = new ZombieWatch(children)) {
      assertThat(watch.watched()).isEqualTo(6);
      assertThat(api().delete(WorkerCalls.BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(3)).until(watch::allGone);
      // The goal is 10 ms at the 99th percentile (bench/supervision.py measures it); a busy test
      // machine gets a generous bound here, still far below the adoption grace (500 ms) of before.
      assertThat(watch.lifetimesMillis()).allSatisfy(ms -> assertThat(ms).isLessThan(150.0));
    }
  }

  @Test
  void healthSaysHowWorkersAreContained() {
    JsonNode details = api().get("/actuator/health").json().get("components").get("reaper").get("details");
    assertThat(details.get("containment").asString()).isIn("cgroup", "process-group");
    assertThat(details.has("limitsNotApplied")).isTrue();
    assertThat(details.has("killedReapedTotal")).isTrue();
  }

  private String containment() {
    return api().get("/actuator/health").json().get("components").get("reaper").get("details").path("containment").asString();
  }
}
