package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.OsProcesses;
import io.envkeeper.support.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Crash recovery of workers recorded by an earlier run: pid, start time and boot id must all match
 * before anything is signalled.
 */
class WorkerRecoveryIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;
  @Autowired NodeProperties node;
  @Autowired WorkerRecovery recovery;

  @Test
  void rowNamingALivePidWithAnotherStartTimeIsNeverSignalled() throws Exception {
    Process bystander = new ProcessBuilder("sleep", "1000").start();
    try {
      int pid = (int) bystander.pid();
      long realTicks = OsProcesses.of(pid).orElseThrow().startTicks();
      UUID worker = insertEarlierRunWorker(pid, realTicks - 1, OsProcesses.bootId());

      recovery.recoverAll();

      assertThat(bystander.isAlive()).isTrue();
      assertThat(statusOf(worker)).isEqualTo("LOST");
      assertThat(jdbc.queryForObject("SELECT last_error FROM worker WHERE id = ?", String.class, worker)).contains("gone");
    } finally {
      bystander.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void rowFromAnotherBootIsLostWithoutSignalling() throws Exception {
    Process bystander = new ProcessBuilder("sleep", "1000").start();
    try {
      int pid = (int) bystander.pid();
      UUID worker = insertEarlierRunWorker(pid, OsProcesses.of(pid).orElseThrow().startTicks(), "another-boot");

      recovery.recoverAll();

      assertThat(bystander.isAlive()).isTrue();
      assertThat(statusOf(worker)).isEqualTo("LOST");
    } finally {
      bystander.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void matchingProcessOfAnEarlierRunIsStoppedAndMarkedExited() throws Exception {
    // Its own process group, as a worker has (setsid execs sleep in the same pid).
    Process survivor = new ProcessBuilder("setsid", "sleep", "1000").start();
    try {
      int pid = (int) survivor.pid();
      UUID worker = insertEarlierRunWorker(pid, OsProcesses.of(pid).orElseThrow().startTicks(), OsProcesses.bootId());

      recovery.recoverAll();

      assertThat(survivor.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(statusOf(worker)).isEqualTo("EXITED");
    } finally {
      survivor.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A leftover worker is handled once however many paths reach it at the same time: here a client's
   * stop and a recovery pass (the reconciler's) meet while the process ignores SIGTERM. The process
   * records every SIGTERM it gets; a second handling would send another one during the grace.
   */
  @Test
  void leftoverWorkerIsStoppedOnceWhenAStopAndARecoveryPassMeet() throws Exception {
    Path directory = TestDirectories.create("leftover");
    Path terms = directory.resolve("terms");
    Path ready = directory.resolve("ready");
    Process leftover = new ProcessBuilder("setsid", "sh", "-c",
        "trap 'echo term >> " + terms + "' TERM; : > " + ready + "; while :; do sleep 0.01; done").start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
      int pid = (int) leftover.pid();
      UUID worker = insertEarlierRunWorker(pid, OsProcesses.of(pid).orElseThrow().startTicks(), OsProcesses.bootId());
      String env = jdbc.queryForObject("SELECT environment_id FROM worker WHERE id = ?", String.class, worker);

      assertThat(api().delete(BASE + "/" + env + "/workers/" + worker).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines(terms) >= 1);
      recovery.recoverAll();

      assertThat(leftover.waitFor(20, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(worker).equals("EXITED"));
      assertThat(lines(terms)).as("SIGTERMs the leftover received").isEqualTo(1);
    } finally {
      leftover.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static long lines(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  @Test
  void reconcilerRunsRecoveryOnItsOwn() throws Exception {
    UUID worker = insertEarlierRunWorker(999_999, 1, OsProcesses.bootId()); // no such pid
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(worker).equals("LOST"));
  }

  private UUID insertEarlierRunWorker(int pid, long startTicks, String bootId) {
    String env = api().post(BASE, "{\"name\":\"recovered\"}").json().get("id").asString();
    UUID id = UUID.randomUUID();
    jdbc.update(
        "INSERT INTO worker (id, environment_id, profile, pid, pgid, process_start_ticks, boot_id, node, status,"
            + " started_at, version) VALUES (?, ?, 'gone', ?, ?, ?, ?, ?, 'RUNNING', ?, 0)",
        id, UUID.fromString(env), pid, pid, startTicks, bootId, node.id(),
        Timestamp.from(Instant.now().minus(Duration.ofHours(1))));
    return id;
  }

  private String statusOf(UUID worker) {
    return jdbc.queryForObject("SELECT status FROM worker WHERE id = ?", String.class, worker);
  }
}
