package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.DeepTrees;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestDirectories;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One workspace's directory storm (a deep chain made in milliseconds, a tree deeper than PATH_MAX
 * moved in) must hold up neither another workspace's events, nor status, health and metrics, nor
 * the stormy workspace's own destroy. Real inotify, real trees made by child processes. The
 * deadlines are correctness bounds (the review saw minutes), not timings.
 */
@TestPropertySource(properties = {"envkeeper.watch.max-depth=" + WatchStormIntegrationTests.MAX_DEPTH})
class WatchStormIntegrationTests extends IntegrationTest {

  static final int MAX_DEPTH = 40;
  private static final String BASE = "/api/v1/environments";
  /** Another workspace's change, a status or a probe: far below the minutes the review saw. */
  private static final Duration PROMPT = Duration.ofSeconds(10);
  /**
   * Removing 30 000 directories is bound by the disk, not by the service: 13 s on a quiet machine
   * here, 90 s with a dozen builds beside it (the root file system is mounted with discard).
   */
  private static final Duration DEEP_REMOVAL = Duration.ofMinutes(4);

  @Test
  void aDeepChainInOneWorkspaceHoldsUpNeitherAnotherWorkspaceNorStatusHealthAndMetrics() throws Exception {
    String quiet = createManaged();
    Path stormyWorkspace = Files.createDirectory(WORKSPACE_ROOT.resolve("stormy-" + UUID.randomUUID()));
    String stormy = createAt(stormyWorkspace);
    try {
      DeepTrees.chain(stormyWorkspace, "chain", 1500);
      Files.writeString(workspaceOf(quiet).resolve("hello.txt"), "h");

      awaitChange(quiet, "CREATE", "hello.txt");
      ApiClient prompt = api().withTimeout(PROMPT);
      assertThat(prompt.get(BASE + "/" + stormy + "/workspace").status()).isEqualTo(200);
      assertThat(prompt.get("/actuator/health").status()).isEqualTo(200);
      assertThat(prompt.get("/actuator/prometheus").status()).isEqualTo(200);

      // The root and MAX_DEPTH levels below it are watched; the cap is named in error.
      await().atMost(PROMPT).until(() -> workspace(stormy).get("watchedDirectories").asInt() == 1 + MAX_DEPTH);
      assertThat(workspace(stormy).get("error").asString()).contains("envkeeper.watch.max-depth");
      assertThat(workspace(stormy).get("watcher").asString()).isEqualTo("WATCHING");
      Path deepestWatched = DeepTrees.level("chain", MAX_DEPTH - 1);
      Files.writeString(stormyWorkspace.resolve(deepestWatched).resolve("deep.txt"), "d");
      awaitChange(stormy, "CREATE", deepestWatched + "/deep.txt");

      assertThat(api().delete(BASE + "/" + stormy + "?wait=PT30S").json().get("status").asString())
          .isEqualTo("DESTROYED");
    } finally {
      DeepTrees.remove(stormyWorkspace);
      api().delete(BASE + "/" + quiet + "?wait=PT10S");
    }
  }

  /**
   * The workspace is the client's (unmanaged), so the destroy does not remove it: what is checked
   * is that closing the watcher waits for no walk (the review saw it stay DESTROYING for minutes).
   */
  @Test
  void aDestroyAcceptedDuringAStormCompletes() throws Exception {
    Path stormyWorkspace = Files.createDirectory(WORKSPACE_ROOT.resolve("stormy-" + UUID.randomUUID()));
    String stormy = createAt(stormyWorkspace);
    try {
      for (int i = 0; i < 3; i++) {
        DeepTrees.chain(stormyWorkspace, "chain-" + i, 1500);
      }

      ApiClient.Response destroyed = api().delete(BASE + "/" + stormy + "?wait=PT30S");

      assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
      assertThat(destroyed.json().get("status").asString()).isEqualTo("DESTROYED");
    } finally {
      DeepTrees.remove(stormyWorkspace);
    }
  }

  /** The review's second storm: a 30 000-deep tree moved in spun for over six minutes. */
  @Test
  void aTreeDeeperThanPathMaxMovedInIsWatchedDownToTheCapAndItsWorkspaceIsDestroyed() throws Exception {
    String quiet = createManaged();
    String stormy = createManaged();
    Path stormyWorkspace = workspaceOf(stormy);
    Path staging = TestDirectories.create("deep-tree");
    try {
      Path tree = DeepTrees.chain(staging, "tree", 30_000);
      Files.move(tree, stormyWorkspace.resolve("tree"), StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(workspaceOf(quiet).resolve("during.txt"), "d");

      awaitChange(quiet, "CREATE", "during.txt");
      ApiClient prompt = api().withTimeout(PROMPT);
      assertThat(prompt.get(BASE + "/" + stormy + "/workspace").status()).isEqualTo(200);
      assertThat(prompt.get("/actuator/health").status()).isEqualTo(200);
      await().atMost(PROMPT).until(() -> workspace(stormy).get("watchedDirectories").asInt() == 1 + MAX_DEPTH);
      assertThat(workspace(stormy).get("error").asString()).contains("envkeeper.watch.max-depth");

      assertThat(api().delete(BASE + "/" + stormy).status()).isIn(200, 202);
      await().atMost(DEEP_REMOVAL)
          .until(() -> api().get(BASE + "/" + stormy).json().get("status").asString().equals("DESTROYED"));
      JsonNode row = api().get(BASE + "/" + stormy).json();
      assertThat(row.get("lastError").isNull()).as(row.toString()).isTrue();
      assertThat(Files.exists(stormyWorkspace, LinkOption.NOFOLLOW_LINKS)).isFalse();
    } finally {
      DeepTrees.remove(staging);
      DeepTrees.remove(stormyWorkspace);
      api().delete(BASE + "/" + quiet + "?wait=PT10S");
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private String createManaged() {
    return api().post(BASE, "{\"name\":\"storm\"}").json().get("id").asString();
  }

  private String createAt(Path workspace) {
    return api().post(BASE, "{\"name\":\"storm\",\"path\":" + ApiClient.quote(workspace.toString()) + "}")
        .json().get("id").asString();
  }

  private Path workspaceOf(String id) {
    return Path.of(api().get(BASE + "/" + id).json().get("path").asString());
  }

  private JsonNode workspace(String id) {
    ApiClient.Response response = api().withTimeout(PROMPT).get(BASE + "/" + id + "/workspace?since=0");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private void awaitChange(String id, String kind, String path) {
    await().atMost(PROMPT).until(() -> {
      List<JsonNode> changes = new ArrayList<>();
      workspace(id).get("changes").forEach(changes::add);
      return changes.stream()
          .anyMatch(c -> c.get("kind").asString().equals(kind) && c.get("path").asString().equals(path));
    });
  }
}
