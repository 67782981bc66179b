package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envkeeper.runtime.EnvironmentRuntime;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.WorkerStart;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerSpec;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.OsProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Real worker processes (small sh scripts) started, stopped and reaped through the API. */
@TestPropertySource(properties = {
  // Acknowledges the shutdown message, then exits 0; also exits on EOF (the keepalive).
  "envkeeper.workers.profiles.coop.command=sh,-c,echo started; while read line; do if [ \"$line\" = shutdown ]; then echo bye; exit 0; fi; done",
  "envkeeper.workers.profiles.coop.shutdown-message=shutdown",
  "envkeeper.workers.profiles.coop.ack-line=bye",
  "envkeeper.workers.profiles.coop.max-per-environment=3",
  // Ignores SIGTERM, the shutdown message and EOF: only SIGKILL ends it.
  "envkeeper.workers.profiles.stubborn.command=sh,-c,trap '' TERM; echo started; while true; do sleep 0.05; done",
  "envkeeper.workers.profiles.stubborn.shutdown-message=shutdown",
  "envkeeper.workers.profiles.stubborn.ack-line=bye",
  "envkeeper.workers.profiles.stubborn.ack-timeout=200ms",
  "envkeeper.workers.profiles.stubborn.stop-grace=300ms",
  "envkeeper.workers.profiles.stubborn.kill-timeout=2s",
  "envkeeper.workers.profiles.exits3.command=sh,-c,echo doing; exit 3",
  "envkeeper.workers.profiles.sleeper.command=sleep,1000",
  // A grandchild in the worker's group, and one that leaves it with setsid.
  "envkeeper.workers.profiles.forker.command=sh,-c,sleep 1000 & setsid sleep 1001 & echo forked; wait",
  "envkeeper.workers.profiles.forker.stop-grace=500ms",
  "envkeeper.workers.profiles.echoargs.command=sh,-c,echo \"args: $*\"; sleep 1000,echoargs",
  "envkeeper.workers.profiles.echoargs.allow-args=true",
  "envkeeper.workers.profiles.environ.command=cat,/proc/self/environ",
  "envkeeper.workers.profiles.environ.env.GREETING=hello",
  "envkeeper.workers.profiles.chatty.command=sh,-c,i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done",
  "envkeeper.workers.profiles.chatty.log-max-bytes=16KB",
  "envkeeper.workers.track-interval=100ms"
})
class WorkerIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final List<Integer> pidsToClean = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Autowired RuntimeManager runtimes;

  @AfterEach
  void leaveNoProcessBehind() {
    for (int pid : pidsToClean) {
      OsProcesses.of(pid).filter(stat -> !stat.isZombie()).ifPresent(stat -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void cooperativeWorkerAcknowledgesTheShutdownMessageAndExitsZero() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "coop");
    assertThat(worker.get("status").asString()).isEqualTo("RUNNING");
    assertThat(worker.get("pid").asInt()).isPositive();
    awaitLog(env, worker, "started");

    Response stopped = api().delete(workerPath(env, worker) + "?wait=PT10S");

    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.json().get("status").asString()).isEqualTo("EXITED");
    assertThat(stopped.json().get("exitCode").asInt()).isZero();
    assertThat(stopped.json().get("signal").isNull()).isTrue();
    assertThat(api().get(workerPath(env, worker) + "/log").body()).contains("started\nbye\n");
    assertThat(api().delete(workerPath(env, worker)).status()).isEqualTo(200); // idempotent
  }

  @Test
  void workerIgnoringSigtermIsKilledWithinTheBound() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "stubborn");
    awaitLog(env, worker, "started");

    long started = System.nanoTime();
    Response stopped = api().delete(workerPath(env, worker) + "?wait=PT10S");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.json().get("status").asString()).isEqualTo("EXITED");
    assertThat(stopped.json().get("signal").asInt()).isEqualTo(9);
    assertThat(stopped.json().get("signalName").asString()).isEqualTo("SIGKILL");
    // ack-timeout 200ms + stop-grace 300ms, then SIGKILL: far inside the kill-timeout.
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(OsProcesses.isAlive(worker.get("pid").asInt(), ticksOf(worker))).isFalse();
  }

  @Test
  void exitCodeOfAWorkerThatEndsByItselfIsRecorded() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "exits3");

    await().atMost(TIMEOUT).until(() -> status(env, worker).equals("EXITED"));

    JsonNode ended = api().get(workerPath(env, worker)).json();
    assertThat(ended.get("exitCode").asInt()).isEqualTo(3);
    assertThat(ended.get("exitedAt").isNull()).isFalse();
    assertThat(api().get(workerPath(env, worker) + "/log").body()).isEqualTo("doing\n");
  }

  @Test
  void grandchildrenInTheGroupAndSetsidDescendantsDieWithTheWorker() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "forker");
    int pid = worker.get("pid").asInt();
    awaitLog(env, worker, "forked");
    await().atMost(TIMEOUT).until(() -> descendantsOf(pid).size() >= 2);
    Set<Integer> descendants = descendantsOf(pid);
    pidsToClean.addAll(descendants);
    assertThat(descendants.stream().map(d -> OsProcesses.of(d).orElseThrow().session()).distinct().count())
        .as("one grandchild left the session with setsid").isEqualTo(2);

    assertThat(api().delete(workerPath(env, worker) + "?wait=PT10S").status()).isEqualTo(200);

    await().atMost(TIMEOUT).until(() -> descendants.stream().noneMatch(WorkerIntegrationTests::isRunning));
  }

  @Test
  void twentyQuickWorkersLeaveNoZombie() {
    String env = createEnvironment();
    List<JsonNode> workers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      workers.add(startWorker(env, "exits3"));
    }

    await().atMost(TIMEOUT).until(() -> workers.stream().allMatch(w -> status(env, w).equals("EXITED")));

    assertThat(workers).allSatisfy(w -> assertThat(OsProcesses.of(w.get("pid").asInt())).isEmpty());
  }

  @Test
  void workerHoldsOnlyItsThreeStandardDescriptors() throws IOException {
    String env = createEnvironment();
    // An event stream and a database connection are open while the worker starts.
    JsonNode worker = startWorker(env, "sleeper");
    int pid = worker.get("pid").asInt();
    pidsToClean.add(pid);

    List<String> fds;
    try (Stream<Path> entries = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
      fds = entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(fds).containsExactly("0", "1", "2");
    for (String fd : fds) {
      assertThat(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", fd)).toString()).startsWith("pipe:");
    }
    assertThat(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).toString())
        .isEqualTo(api().get(BASE + "/" + env).json().get("path").asString());
    assertThat(OsProcesses.of(pid).orElseThrow().pgrp()).as("its own process group").isEqualTo(pid);
    api().delete(workerPath(env, worker) + "?wait=PT10S");
  }

  @Test
  void workerEnvironmentIsTheAllowlistPlusTheProfileOnly() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "environ");
    await().atMost(TIMEOUT).until(() -> status(env, worker).equals("EXITED"));

    String environ = new String(api().get(workerPath(env, worker) + "/log").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    Set<String> names = Arrays.stream(environ.split("\0"))
        .filter(entry -> entry.contains("="))
        .map(entry -> entry.substring(0, entry.indexOf('=')).trim())
        .collect(Collectors.toSet());
    assertThat(names).contains("GREETING", "ENVKEEPER_ENVIRONMENT_ID", "ENVKEEPER_WORKER_ID", "ENVKEEPER_WORKSPACE");
    assertThat(names).isSubsetOf("PATH", "HOME", "LANG", "LC_ALL", "TZ", "GREETING",
        "ENVKEEPER_ENVIRONMENT_ID", "ENVKEEPER_WORKER_ID", "ENVKEEPER_WORKSPACE");
  }

  @Test
  void argsArePassedAsArgvWhereAllowedAndRefusedElsewhere() {
    String env = createEnvironment();
    Response started = api().post(BASE + "/" + env + "/workers",
        "{\"profile\":\"echoargs\",\"args\":[\"a b\",\"$(touch /tmp/pwned)\",\";ls\"]}");
    assertThat(started.status()).isEqualTo(201);
    JsonNode worker = started.json();
    pidsToClean.add(worker.get("pid").asInt());

    awaitLog(env, worker, "args: a b $(touch /tmp/pwned) ;ls");

    Response refused = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"coop\",\"args\":[\"x\"]}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("invalid_args");
    api().delete(workerPath(env, worker) + "?wait=PT10S");
  }

  @Test
  void badWorkerRequestsAreRefusedAndStartNothing() {
    String env = createEnvironment();
    assertThat(api().post(BASE + "/" + env + "/workers", "{\"profile\":\"nope\"}").code()).isEqualTo("unknown_profile");
    assertThat(api().post(BASE + "/" + env + "/workers", "{\"profile\":\"\"}").status()).isEqualTo(400);
    assertThat(api().post(BASE + "/" + env + "/workers", "{\"profile\":\"coop\",\"shell\":true}").code()).isEqualTo("unknown_field");
    assertThat(api().get(BASE + "/" + env + "/workers/" + UUID.randomUUID()).code()).isEqualTo("worker_not_found");
    assertThat(api().get(BASE + "/" + env + "/workers/nope").code()).isEqualTo("invalid_id");
    assertThat(api().get(BASE + "/" + env + "/workers").json().get("items")).isEmpty();
  }

  @Test
  void maxPerEnvironmentIsEnforced() {
    String env = createEnvironment();
    for (int i = 0; i < 3; i++) {
      startWorker(env, "coop");
    }

    Response fourth = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"coop\"}");

    assertThat(fourth.status()).isEqualTo(409);
    assertThat(fourth.code()).isEqualTo("worker_limit_reached");
    assertThat(api().get(BASE + "/" + env + "/workers").json().get("items")).hasSize(3);
    assertThat(api().delete(BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);
  }

  @Test
  void destroyStopsEveryWorkerInParallelBeforeTheDirectoryGoes() {
    String env = createEnvironment();
    Path workspace = Path.of(api().get(BASE + "/" + env).json().get("path").asString());
    List<JsonNode> workers = List.of(startWorker(env, "coop"), startWorker(env, "stubborn"), startWorker(env, "forker"));
    workers.forEach(w -> awaitLogContains(env, w));

    long started = System.nanoTime();
    Response destroyed = api().delete(BASE + "/" + env + "?wait=PT20S");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(workspace).doesNotExist();
    assertThat(workers).allSatisfy(w -> assertThat(isRunning(w.get("pid").asInt())).isFalse());
    // In parallel: the slowest protocol (stubborn: 200ms + 300ms + kill), not the sum of all three.
    assertThat(took).isLessThan(Duration.ofSeconds(4));
    assertThat(api().get(BASE + "/" + env + "/workers").status()).isEqualTo(410);
  }

  @Test
  void logIsCappedAndTailed() {
    String env = createEnvironment();
    JsonNode worker = startWorker(env, "chatty");
    await().atMost(TIMEOUT).until(() -> status(env, worker).equals("EXITED"));

    String tail = api().get(workerPath(env, worker) + "/log?tail=5").body();
    String[] lines = tail.split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[4]).startsWith("line-1999-");
    String all = api().get(workerPath(env, worker) + "/log?tail=10000").body();
    assertThat(all.length()).isLessThanOrEqualTo(2 * 16 * 1024);
    assertThat(all).doesNotContain("line-0-");
    assertThat(api().get(workerPath(env, worker) + "/log?tail=0").code()).isEqualTo("invalid_parameter");
  }

  /** Spawn, then commit; when the commit fails the process group is killed at once. */
  @Test
  void workerWhoseRowCannotBeRecordedIsKilled() {
    UUID env = UUID.fromString(createEnvironment());
    int[] pid = new int[1];

    assertThatThrownBy(() -> runtimes.startWorker(env, new WorkerStart() {
      @Override
      public WorkerSpec prepare(EnvironmentRuntime runtime) {
        return new WorkerSpec(UUID.randomUUID(), env, "sleeper", runtime.workspace(), List.of("sleep", "1000"),
            Map.of("PATH", System.getenv("PATH")), OUTSIDE.resolve("unrecorded.log"), 1024, null);
      }

      @Override
      public void record(WorkerHandle worker) {
        pid[0] = worker.pid();
        pidsToClean.add(worker.pid());
        throw new IllegalStateException("commit failed (made to fail by the test)");
      }
    })).hasMessageContaining("commit failed");

    assertThat(pid[0]).isPositive();
    assertThat(isRunning(pid[0])).isFalse();
  }

  /** Starts racing a destroy: whatever was started is stopped; nothing starts after it began. */
  @Test
  void workerStartsRacingADestroyLeaveNothingRunning() throws Exception {
    String env = createEnvironment();
    List<Integer> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    Set<Integer> statuses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean racing = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(3);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      running.add(starters.submit(() -> {
        while (racing.get()) {
          Response response = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"sleeper\"}");
          statuses.add(response.status());
          if (response.status() == 201) {
            started.add(response.json().get("pid").asInt());
            pidsToClean.add(response.json().get("pid").asInt());
          }
        }
      }));
    }
    await().atMost(TIMEOUT).until(() -> !started.isEmpty());

    Response destroyed = api().delete(BASE + "/" + env + "?wait=PT30S");
    racing.set(false);
    for (java.util.concurrent.Future<?> starter : running) {
      starter.get();
    }
    starters.shutdown();

    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(statuses).isSubsetOf(201, 409, 410);
    assertThat(started).allSatisfy(pid -> assertThat(isRunning(pid)).isFalse());
  }

  @Test
  void healthAndMetricsShowTheReaperAndWorkers() {
    JsonNode reaper = api().get("/actuator/health").json().get("components").get("reaper");
    assertThat(reaper.get("status").asString()).isEqualTo("UP");
    assertThat(reaper.get("details").has("registered")).isTrue();
    assertThat(reaper.get("details").get("workerAlive").asBoolean()).isTrue();
    assertThat(reaper.get("details").get("sweeps").asLong()).isPositive();
    assertThat(api().get("/actuator/prometheus").body())
        .contains("envkeeper_workers{status=\"RUNNING\"}")
        .contains("envkeeper_reaper_reaped_total")
        .contains("envkeeper_reaper_registered");
  }

  // --- helpers ------------------------------------------------------------------------------

  private String createEnvironment() {
    return api().post(BASE, "{\"name\":\"workers\"}").json().get("id").asString();
  }

  private JsonNode startWorker(String env, String profile) {
    Response response = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"" + profile + "\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.header("Location")).endsWith("/workers/" + response.json().get("id").asString());
    pidsToClean.add(response.json().get("pid").asInt());
    return response.json();
  }

  private static String workerPath(String env, JsonNode worker) {
    return BASE + "/" + env + "/workers/" + worker.get("id").asString();
  }

  private String status(String env, JsonNode worker) {
    return api().get(workerPath(env, worker)).json().get("status").asString();
  }

  private void awaitLog(String env, JsonNode worker, String text) {
    await().atMost(TIMEOUT).until(() -> api().get(workerPath(env, worker) + "/log").body().contains(text));
  }

  private void awaitLogContains(String env, JsonNode worker) {
    await().atMost(TIMEOUT).until(() -> !api().get(workerPath(env, worker) + "/log").body().isEmpty());
  }

  private static long ticksOf(JsonNode worker) {
    return OsProcesses.of(worker.get("pid").asInt()).map(OsProcesses.Stat::startTicks).orElse(-1L);
  }

  private static boolean isRunning(int pid) {
    return OsProcesses.isRunning(pid);
  }

  /** Live processes descending from {@code pid}, also ones re-parented to this JVM by setsid exits. */
  private static Set<Integer> descendantsOf(int pid) {
    List<OsProcesses.Stat> all = OsProcesses.all();
    Set<Integer> found = new java.util.HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (OsProcesses.Stat process : all) {
        if ((process.ppid() == pid || found.contains(process.ppid())) && !process.isZombie() && found.add(process.pid())) {
          grew = true;
        }
      }
    }
    return found;
  }
}
