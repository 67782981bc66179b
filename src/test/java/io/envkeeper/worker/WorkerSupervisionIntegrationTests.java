package io.envkeeper.worker;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.OsProcesses;
import io.envkeeper.support.WorkerCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Restart policies, BACKOFF and its no-resurrection rule, readiness: real worker processes through
 * the API, and /proc as the judge of what runs.
 */
@TestPropertySource(properties = {
  // Fails every time: 1 start + 3 restarts, waits 100, 200, 400 ms (doubling, capped at 400).
  "envkeeper.workers.profiles.crasher.command=sh,-c,echo run $$ $(date +%s%N); exit 3",
  "envkeeper.workers.profiles.crasher.restart=on-failure",
  "envkeeper.workers.profiles.crasher.max-restarts=3",
  "envkeeper.workers.profiles.crasher.restart-backoff=100ms",
  "envkeeper.workers.profiles.crasher.restart-backoff-max=400ms",
  // Exits cleanly: `always` restarts it, `on-failure` does not.
  "envkeeper.workers.profiles.clean.command=sh,-c,echo run $$; exit 0",
  "envkeeper.workers.profiles.clean.restart=always",
  "envkeeper.workers.profiles.clean.max-restarts=2",
  "envkeeper.workers.profiles.clean.restart-backoff=50ms",
  "envkeeper.workers.profiles.cleanonfailure.command=sh,-c,echo run $$; exit 0",
  "envkeeper.workers.profiles.cleanonfailure.restart=on-failure",
  // Fails at once and waits long in BACKOFF: the window a stop or a destroy lands in.
  "envkeeper.workers.profiles.flapper.command=sh,-c,echo run $$; exit 1",
  "envkeeper.workers.profiles.flapper.restart=always",
  "envkeeper.workers.profiles.flapper.max-restarts=100",
  "envkeeper.workers.profiles.flapper.restart-backoff=1500ms",
  // The same with a short backoff: stops land before, during and after the restart.
  "envkeeper.workers.profiles.racer.command=sh,-c,echo run $$; exit 1",
  "envkeeper.workers.profiles.racer.restart=always",
  "envkeeper.workers.profiles.racer.max-restarts=1000",
  "envkeeper.workers.profiles.racer.restart-backoff=30ms",
  "envkeeper.workers.profiles.racer.restart-backoff-max=30ms",
  "envkeeper.workers.profiles.slowready.command=sh,-c,echo booting; sleep 0.3; echo listening on 8080; exec sleep 1000",
  // Inlined properties are read as a .properties file: a backslash must be doubled there too.
  "envkeeper.workers.profiles.slowready.ready-line=listening on \\\\d+",
  "envkeeper.workers.profiles.neverready.command=sh,-c,echo booting; exec sleep 1000",
  "envkeeper.workers.profiles.neverready.ready-line=^ready$",
  "envkeeper.workers.profiles.readycrash.command=sh,-c,echo ready; sleep 0.3; exit 1",
  "envkeeper.workers.profiles.readycrash.ready-line=^ready$",
  "envkeeper.workers.profiles.readycrash.restart=on-failure",
  "envkeeper.workers.profiles.readycrash.restart-backoff=700ms",
  "envkeeper.workers.profiles.plain.command=sleep,1000",
})
class WorkerSupervisionIntegrationTests extends IntegrationTest {

  private static final Pattern RUN = Pattern.compile("(?m)^run (\\d+) (\\d+)$");

  private WorkerCalls calls;

  @BeforeEach
  void callTheService() {
    calls = new WorkerCalls(api());
  }

  @Autowired WorkerRepository rows;

  @AfterEach
  void leaveNoProcessBehind() {
    try {
      calls.destroyAll();
      calls.awaitNoWorkerCgroup();
    } finally {
      calls.killSurvivors();
    }
  }

  @Test
  void failingWorkerIsRestartedWithDoublingBackoffThenGivenUp() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "crasher");

    JsonNode ended = calls.awaitStatus(env, worker, "EXITED");

    assertThat(ended.get("id").asString()).isEqualTo(worker.get("id").asString());
    assertThat(ended.get("restarts").asInt()).isEqualTo(3);
    assertThat(ended.get("exitCode").asInt()).isEqualTo(3);
    assertThat(ended.get("lastError").asString()).contains("given up").contains("max-restarts 3");
    List<long[]> runs = runs(calls.log(env, worker));
    assertThat(runs).as("the log continues across restarts: one line per process").hasSize(4);
    assertThat(runs.stream().map(run -> run[0]).distinct()).as("four processes").hasSize(4);
    long[] waitsMillis = {100, 200, 400};
    for (int i = 1; i < runs.size(); i++) {
      assertThat((runs.get(i)[1] - runs.get(i - 1)[1]) / 1_000_000)
          .as("wait before restart %d", i).isGreaterThanOrEqualTo(waitsMillis[i - 1]);
    }
  }

  @Test
  void workerIsInBackoffBetweenItsProcesses() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "flapper");

    JsonNode backoff = calls.awaitStatus(env, worker, "BACKOFF");

    assertThat(backoff.get("exitCode").asInt()).isEqualTo(1);
    assertThat(backoff.get("lastError").asString()).contains("restart 1 of at most 100");
    assertThat(backoff.get("ready").asBoolean()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get(env, worker).get("restarts").asInt() >= 1);
    assertThat(api().delete(WorkerCalls.path(env, worker) + "?wait=PT10S").status()).isEqualTo(200);
  }

  @Test
  void alwaysRestartsACleanExitAndOnFailureDoesNot() {
    String env = calls.createEnvironment();
    JsonNode always = calls.start(env, "clean");
    JsonNode onFailure = calls.start(env, "cleanonfailure");

    JsonNode alwaysEnded = calls.awaitStatus(env, always, "EXITED");
    JsonNode onFailureEnded = calls.awaitStatus(env, onFailure, "EXITED");

    assertThat(alwaysEnded.get("restarts").asInt()).isEqualTo(2);
    assertThat(alwaysEnded.get("exitCode").asInt()).isZero();
    assertThat(runs(calls.log(env, always))).isEmpty(); // lines are "run <pid>" without a clock here
    assertThat(calls.log(env, always).lines().filter(line -> line.startsWith("run ")).count()).isEqualTo(3);
    assertThat(onFailureEnded.get("restarts").asInt()).isZero();
    assertThat(onFailureEnded.get("lastError").isNull()).isTrue();
  }

  @Test
  void stopDuringBackoffMeansNoProcessEverStartsAgain() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "flapper");
    calls.awaitStatus(env, worker, "BACKOFF");

    Response stopped = api().delete(WorkerCalls.path(env, worker) + "?wait=PT10S");

    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.json().get("status").asString()).isEqualTo("EXITED");
    assertThat(stopped.json().get("lastError").asString()).contains("not restarted");
    assertNoProcessOf(worker, Duration.ofMillis(2500)); // well past the 1.5 s backoff
    assertThat(calls.get(env, worker).get("restarts").asInt()).isZero();
    assertThat(calls.get(env, worker).get("status").asString()).isEqualTo("EXITED");
  }

  @Test
  void destroyDuringBackoffMeansNoProcessEverStartsAgain() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "flapper");
    calls.awaitStatus(env, worker, "BACKOFF");

    assertThat(api().delete(WorkerCalls.BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);

    assertNoProcessOf(worker, Duration.ofMillis(2500));
    Worker row = rows.findById(java.util.UUID.fromString(worker.get("id").asString())).orElseThrow();
    assertThat(row.getStatus()).isEqualTo(WorkerStatus.EXITED);
    assertThat(row.getRestarts()).isZero();
  }

  /** Stops land before, during and after restarts (30 ms backoff): once one is accepted, nothing starts. */
  @Test
  void stopsRacingRestartsNeverLeaveAProcess() {
    String env = calls.createEnvironment();
    for (int round = 0; round < 12; round++) {
      JsonNode worker = calls.start(env, "racer");
      int restartsBeforeStop = round % 3; // vary where in its life the stop lands
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get(env, worker).get("restarts").asInt() >= restartsBeforeStop);

      Response stopped = api().delete(WorkerCalls.path(env, worker) + "?wait=PT10S");

      assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
      assertThat(stopped.json().get("status").asString()).isEqualTo("EXITED");
      int restarts = stopped.json().get("restarts").asInt();
      assertNoProcessOf(worker, Duration.ofMillis(200));
      assertThat(calls.get(env, worker).get("restarts").asInt()).as("no restart after the stop").isEqualTo(restarts);
    }
  }

  /** Destroys land before, during and after restarts: once one is accepted, nothing of the worker runs again. */
  @Test
  void destroysRacingRestartsNeverLeaveAProcess() {
    for (int round = 0; round < 12; round++) {
      String env = calls.createEnvironment();
      JsonNode worker = calls.start(env, "racer");
      int restartsBeforeDestroy = round % 3;
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get(env, worker).get("restarts").asInt() >= restartsBeforeDestroy);

      Response destroyed = api().delete(WorkerCalls.BASE + "/" + env + "?wait=PT20S");

      assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
      Worker row = rows.findById(java.util.UUID.fromString(worker.get("id").asString())).orElseThrow();
      assertThat(row.getStatus()).isEqualTo(WorkerStatus.EXITED);
      assertNoProcessOf(worker, Duration.ofMillis(200));
      assertThat(rows.findById(row.getId()).orElseThrow().getRestarts()).as("no restart after the destroy")
          .isEqualTo(row.getRestarts());
    }
  }

  @Test
  void waitReadyAnswersOnceTheReadyLineWasPrinted() {
    String env = calls.createEnvironment();
    long before = System.nanoTime();

    JsonNode worker = calls.start(env, "slowready", "?waitReady=PT10S");

    assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(worker.get("ready").asBoolean()).isTrue();
    assertThat(Instant.parse(worker.get("readyAt").asString())).isAfter(Instant.parse(worker.get("startedAt").asString()));
    assertThat(calls.log(env, worker)).contains("listening on 8080");
  }

  @Test
  void waitReadyAnswersAtItsTimeoutWhenTheLineNeverComes() {
    String env = calls.createEnvironment();
    long before = System.nanoTime();

    JsonNode worker = calls.start(env, "neverready", "?waitReady=PT1S");

    assertThat(Duration.ofNanos(System.nanoTime() - before)).isBetween(Duration.ofMillis(950), Duration.ofSeconds(5));
    assertThat(worker.get("ready").asBoolean()).isFalse();
    assertThat(worker.get("readyAt").isNull()).isTrue();
    assertThat(worker.get("status").asString()).isEqualTo("RUNNING");
  }

  @Test
  void workerWithoutReadyLineIsReadyOnceRunning() {
    String env = calls.createEnvironment();

    JsonNode worker = calls.start(env, "plain", "?waitReady=PT10S");

    assertThat(worker.get("ready").asBoolean()).isTrue();
    assertThat(worker.get("readyAt").asString()).isEqualTo(worker.get("startedAt").asString());
    assertThat(worker.get("restarts").asInt()).isZero();
  }

  @Test
  void readinessResetsWhenTheWorkerRestarts() {
    String env = calls.createEnvironment();
    JsonNode worker = calls.start(env, "readycrash", "?waitReady=PT10S");
    assertThat(worker.get("ready").asBoolean()).isTrue();

    JsonNode backoff = calls.awaitStatus(env, worker, "BACKOFF");
    assertThat(backoff.get("ready").asBoolean()).isFalse();
    assertThat(backoff.get("readyAt").isNull()).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode again = calls.get(env, worker);
      return again.get("restarts").asInt() == 1 && again.get("ready").asBoolean();
    });
  }

  @Test
  void waitReadyBeyondItsCapOrMalformedIsRefusedAndStartsNothing() {
    String env = calls.createEnvironment();

    assertProblem(calls.startRaw(env, "plain", "?waitReady=PT61S"), 400, "invalid_parameter");
    assertProblem(calls.startRaw(env, "plain", "?waitReady=10"), 400, "invalid_parameter");
    assertProblem(calls.startRaw(env, "plain", "?waitReady=-PT1S"), 400, "invalid_parameter");

    assertThat(api().get(WorkerCalls.BASE + "/" + env + "/workers").json().get("items")).isEmpty();
  }

  /** No live process carries the worker's id, checked again and again for {@code during}. */
  private static void assertNoProcessOf(JsonNode worker, Duration during) {
    String id = worker.get("id").asString();
    Set<Integer> found = ConcurrentHashMap.newKeySet();
    long end = System.nanoTime() + during.toNanos();
    while (System.nanoTime() < end) {
      for (OsProcesses.Stat process : OsProcesses.all()) {
        if (!process.isZombie() && id.equals(OsProcesses.environmentOf(process.pid()).get("ENVKEEPER_WORKER_ID"))) {
          found.add(process.pid());
          ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
    assertThat(found).as("processes of worker %s", id).isEmpty();
  }

  /** {@code [pid, nanos]} of each {@code run <pid> <date +%s%N>} line. */
  private static List<long[]> runs(String log) {
    List<long[]> runs = new ArrayList<>();
    Matcher matcher = RUN.matcher(log);
    while (matcher.find()) {
      runs.add(new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))});
    }
    return runs;
  }
}
