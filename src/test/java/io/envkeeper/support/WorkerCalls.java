package io.envkeeper.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Worker calls as a client makes them (start, read, stop, log), the environments a test created
 * ({@link #destroyAll()}), and the pids it saw, killed by {@link #killSurvivors()} if the service
 * left any alive (a failed test leaves nothing running).
 */
public final class WorkerCalls {

  public static final String BASE = "/api/v1/environments";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final ApiClient api;
  private final List<Integer> seen = new CopyOnWriteArrayList<>();
  private final List<String> environments = new CopyOnWriteArrayList<>();

  public WorkerCalls(ApiClient api) {
    this.api = api;
  }

  public String createEnvironment() {
    Response created = api.post(BASE, "{\"name\":\"supervised\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    environments.add(id);
    return id;
  }

  /**
   * Destroys every environment this test created (a repeat of a destroy the test made is answered
   * 200 at once), so no worker of it runs on, restarts, or keeps a cgroup after the test.
   */
  public void destroyAll() {
    for (String env : environments) {
      Response destroyed = api.delete(BASE + "/" + env + "?wait=PT20S");
      assertThat(destroyed.status()).as("destroy of %s: %s", env, destroyed.body()).isEqualTo(200);
    }
  }

  /** Starts a worker of {@code profile}; asserts 201. */
  public JsonNode start(String env, String profile) {
    return start(env, profile, "");
  }

  /** Starts a worker with a query string ({@code "?waitReady=PT5S"}); asserts 201. */
  public JsonNode start(String env, String profile, String query) {
    Response response = startRaw(env, profile, query);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return track(response.json());
  }

  public Response startRaw(String env, String profile, String query) {
    return api.post(BASE + "/" + env + "/workers" + query, "{\"profile\":\"" + profile + "\"}");
  }

  public JsonNode track(JsonNode worker) {
    seen.add(worker.get("pid").asInt());
    return worker;
  }

  public static String path(String env, JsonNode worker) {
    return BASE + "/" + env + "/workers/" + worker.get("id").asString();
  }

  public JsonNode get(String env, JsonNode worker) {
    JsonNode current = api.get(path(env, worker)).json();
    seen.add(current.get("pid").asInt());
    return current;
  }

  public String status(String env, JsonNode worker) {
    return get(env, worker).get("status").asString();
  }

  public JsonNode awaitStatus(String env, JsonNode worker, String status) {
    await().atMost(TIMEOUT).until(() -> status(env, worker).equals(status));
    return get(env, worker);
  }

  public String log(String env, JsonNode worker) {
    return api.get(path(env, worker) + "/log?tail=10000").body();
  }

  /** Waits until the log has {@code count} lines {@code <label> <pid>}, and returns those pids (tracked). */
  public List<Integer> awaitPids(String env, JsonNode worker, String label, int count) {
    await().atMost(TIMEOUT).until(() -> pids(log(env, worker), label).size() >= count);
    List<Integer> pids = pids(log(env, worker), label);
    seen.addAll(pids);
    return pids;
  }

  public static List<Integer> pids(String log, String label) {
    List<Integer> pids = new ArrayList<>();
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(label) + "[ =](\\d+)").matcher(log);
    while (matcher.find()) {
      pids.add(Integer.parseInt(matcher.group(1)));
    }
    return pids;
  }

  /** Under cgroup containment, waits until no worker's cgroup is left below the workers' parent. */
  public void awaitNoWorkerCgroup() {
    JsonNode details = api.get("/actuator/health").json().get("components").get("reaper").get("details");
    if ("cgroup".equals(details.path("containment").asString())) {
      java.nio.file.Path parent = java.nio.file.Path.of(details.get("cgroup").asString());
      await().atMost(TIMEOUT).until(() -> CgroupTree.children(parent).isEmpty());
    }
  }

  /** Kills, by pid, every process this test saw that is still alive (the service should have). */
  public void killSurvivors() {
    for (int pid : seen) {
      OsProcesses.of(pid).filter(stat -> !stat.isZombie())
          .ifPresent(stat -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }
}
