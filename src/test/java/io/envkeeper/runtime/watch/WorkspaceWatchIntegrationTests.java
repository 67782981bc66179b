package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.EventStreamClient.Event;
import io.envkeeper.support.InotifyWatches;
import io.envkeeper.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/** Real directories, real inotify: what a client sees through {@code /workspace} and {@code /events}. */
@TestPropertySource(properties = {
  "envkeeper.watch.retry-attempts=3",
  "envkeeper.watch.retry-base=50ms",
  "envkeeper.watch.retry-max=200ms",
  "envkeeper.watch.coalesce-window=0"
})
class WorkspaceWatchIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

  @Autowired WorkspaceWatchers watchers;
  @Autowired RuntimeManager runtimes;

  private static final WatchEvent<Object> OVERFLOW_EVENT = new WatchEvent<>() {
    @Override
    public Kind<Object> kind() {
      return StandardWatchEventKinds.OVERFLOW;
    }

    @Override
    public int count() {
      return 1;
    }

    @Override
    public Object context() {
      return null;
    }
  };

  @Test
  void filesAndNestedDirectoriesAppearWithTheirKindsAndRelativePaths() throws Exception {
    String id = createManaged();
    Path workspace = workspaceOf(id);

    Files.writeString(workspace.resolve("a.txt"), "one");
    Files.createDirectories(workspace.resolve("src/main"));
    Files.writeString(workspace.resolve("src/main/App.java"), "class App {}");
    awaitChange(id, "CREATE", "src/main/App.java");
    Files.writeString(workspace.resolve("src/main/App.java"), "class App { int x; }");
    Files.delete(workspace.resolve("a.txt"));

    awaitChange(id, "MODIFY", "src/main/App.java");
    awaitChange(id, "DELETE", "a.txt");
    List<String> seen = changes(id, 0).stream().map(c -> c.get("kind").asString() + " " + c.get("path").asString()).toList();
    assertThat(seen).contains("CREATE a.txt", "CREATE src", "CREATE src/main", "CREATE src/main/App.java");
    JsonNode status = workspace(id, 0);
    assertThat(status.get("watcher").asString()).isEqualTo("WATCHING");
    assertThat(status.get("watchedDirectories").asInt()).isEqualTo(3);
    assertThat(status.get("changeSeq").asLong()).isEqualTo(lastSeq(changes(id, 0)));
  }

  @Test
  void directoryMovedInWithFilesAlreadyInsideReportsThem() throws Exception {
    String id = createManaged();
    Path staging = Files.createDirectories(OUTSIDE.resolve("staging-" + UUID.randomUUID()).resolve("bundle/deep"));
    Files.writeString(staging.resolve("x.txt"), "x");
    Files.writeString(staging.getParent().resolve("y.txt"), "y");

    Files.move(staging.getParent(), workspaceOf(id).resolve("bundle"), StandardCopyOption.ATOMIC_MOVE);

    awaitChange(id, "CREATE", "bundle/deep/x.txt");
    awaitChange(id, "CREATE", "bundle/y.txt");
    Files.writeString(workspaceOf(id).resolve("bundle/deep/later.txt"), "z");
    awaitChange(id, "CREATE", "bundle/deep/later.txt");
  }

  /** A moved directory keeps its inotify watch (same inode): its new place must keep it too. */
  @Test
  void directoryMovedWithinTheWorkspaceIsWatchedAtItsNewPlace() throws Exception {
    String id = createManaged();
    Path workspace = workspaceOf(id);
    Files.createDirectories(workspace.resolve("old/inner"));
    awaitChange(id, "CREATE", "old/inner");
    Files.createDirectory(workspace.resolve("elsewhere"));
    awaitChange(id, "CREATE", "elsewhere");

    Files.move(workspace.resolve("old"), workspace.resolve("elsewhere/new"), StandardCopyOption.ATOMIC_MOVE);
    awaitChange(id, "DELETE", "old");
    awaitChange(id, "CREATE", "elsewhere/new");
    Files.writeString(workspace.resolve("elsewhere/new/inner/after-move.txt"), "m");

    awaitChange(id, "CREATE", "elsewhere/new/inner/after-move.txt");
    assertThat(workspace(id, 0).get("watchedDirectories").asInt()).isEqualTo(4);
  }

  @Test
  void sinceReturnsOnlyLaterChanges() throws Exception {
    String id = createManaged();
    Files.writeString(workspaceOf(id).resolve("first"), "1");
    awaitChange(id, "CREATE", "first");
    long seq = workspace(id, 0).get("changeSeq").asLong();

    Files.writeString(workspaceOf(id).resolve("second"), "2");
    awaitChange(id, "CREATE", "second");

    List<JsonNode> later = changes(id, seq);
    assertThat(later).allSatisfy(change -> assertThat(change.get("seq").asLong()).isGreaterThan(seq));
    assertThat(later).extracting(change -> change.get("path").asString()).doesNotContain("first").contains("second");
  }

  @Test
  void ignoredDirectoriesAreNeitherWatchedNorReported() throws Exception {
    String id = createManaged();
    Path workspace = workspaceOf(id);
    Files.createDirectories(workspace.resolve("node_modules/lib"));
    Files.writeString(workspace.resolve("node_modules/lib/index.js"), "x");
    Files.writeString(workspace.resolve("marker"), "m");

    awaitChange(id, "CREATE", "marker");
    assertThat(changes(id, 0)).extracting(change -> change.get("path").asString())
        .noneMatch(path -> path.startsWith("node_modules"));
    assertThat(workspace(id, 0).get("watchedDirectories").asInt()).isEqualTo(1);
  }

  @Test
  void eventStreamSendsChangesResumesFromLastEventIdAndEndsWithDestroyed() throws Exception {
    String id = createManaged();
    Path workspace = workspaceOf(id);
    Event first;
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + id + "/events"), null)) {
      Files.writeString(workspace.resolve("streamed.txt"), "s");
      first = stream.awaitEvent(EVENT_TIMEOUT, event -> event.name().equals("change") && event.data().contains("streamed.txt"));
      assertThat(first.id()).isNotBlank();
    }
    Files.writeString(workspace.resolve("while-away.txt"), "w");
    awaitChange(id, "CREATE", "while-away.txt");

    try (EventStreamClient resumed = EventStreamClient.connect(api().uri(BASE + "/" + id + "/events"), first.id())) {
      resumed.awaitEvent(EVENT_TIMEOUT, event -> event.data().contains("while-away.txt"));
      assertThat(resumed.named("change")).allSatisfy(event ->
          assertThat(Long.parseLong(event.id())).isGreaterThan(Long.parseLong(first.id())));

      assertThat(api().delete(BASE + "/" + id).status()).isIn(200, 202);

      resumed.awaitEvent(EVENT_TIMEOUT, event -> event.name().equals("destroyed"));
      await().atMost(EVENT_TIMEOUT).until(resumed::ended);
    }
    try (EventStreamClient gone = EventStreamClient.connect(api().uri(BASE + "/" + id + "/events"), null)) {
      assertThat(gone.status()).isEqualTo(410);
    }
  }

  @Test
  void deletedWorkspaceGoesRetryingThenFailedAndDestroyStillCompletes() throws Exception {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("vanishing-" + UUID.randomUUID()));
    Files.createDirectories(project.resolve("sub"));
    String id = api().post(BASE, "{\"name\":\"v\",\"path\":" + ApiClient.quote(project.toString()) + "}")
        .json().get("id").asString();
    assertThat(workspace(id, 0).get("watcher").asString()).isEqualTo("WATCHING");

    FileSystemUtils.deleteRecursively(project);

    await().atMost(Duration.ofSeconds(5)).until(() -> workspace(id, 0).get("watcher").asString().equals("RETRYING"));
    // 3 retries at 50, 100, 200 ms: FAILED well within a second or two.
    await().atMost(Duration.ofSeconds(5)).until(() -> workspace(id, 0).get("watcher").asString().equals("FAILED"));
    JsonNode failed = workspace(id, 0);
    assertThat(failed.get("retries").asInt()).isEqualTo(3);
    assertThat(failed.get("error").asString()).contains("missing");
    assertThat(api().get(BASE + "/" + id).json().get("status").asString()).isEqualTo("READY");

    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }

  @Test
  void workspaceThatComesBackWhileRetryingIsWatchedAgain() throws Exception {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("flapping-" + UUID.randomUUID()));
    String id = api().post(BASE, "{\"name\":\"f\",\"path\":" + ApiClient.quote(project.toString()) + "}")
        .json().get("id").asString();
    Files.delete(project);
    await().atMost(Duration.ofSeconds(5)).until(() -> workspace(id, 0).get("watcher").asString().equals("RETRYING"));

    Files.createDirectory(project);

    await().atMost(Duration.ofSeconds(5)).until(() -> workspace(id, 0).get("watcher").asString().equals("WATCHING"));
    Files.writeString(project.resolve("again.txt"), "a");
    awaitChange(id, "CREATE", "again.txt");
    api().delete(BASE + "/" + id + "?wait=PT10S");
  }

  @Test
  void kernelOverflowIsRecordedAndTheTreeRescanned() throws Exception {
    String id = createManaged();
    Path workspace = workspaceOf(id);
    WorkspaceWatcher watcher = runtimes.find(UUID.fromString(id)).orElseThrow().watcher();
    long rescansBefore = watchers.stats().rescans();

    watcher.onEvents(workspace, List.of(OVERFLOW_EVENT));

    awaitChange(id, "OVERFLOW", "");
    await().atMost(EVENT_TIMEOUT).until(() -> watchers.stats().rescans() > rescansBefore);
    assertThat(workspace(id, 0).get("watcher").asString()).isEqualTo("WATCHING");
    Files.createDirectory(workspace.resolve("after-rescan"));
    Files.writeString(workspace.resolve("after-rescan/f"), "f");
    awaitChange(id, "CREATE", "after-rescan/f");
  }

  @Test
  void healthAndMetricsShowTheWatchers() {
    createManaged();
    JsonNode health = api().get("/actuator/health").json().get("components").get("watchers");
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("details").get("watching").asInt()).isPositive();
    assertThat(health.get("details").get("watchedDirectories").asInt()).isPositive();
    assertThat(api().get("/actuator/prometheus").body())
        .contains("envkeeper_watchers{state=\"WATCHING\"}")
        .contains("envkeeper_watchers{state=\"FAILED\"}")
        .contains("envkeeper_watched_directories")
        .contains("envkeeper_watch_overflows_total")
        .contains("envkeeper_runtimes_live")
        .contains("envkeeper_resurrections_blocked_total");
  }

  @Test
  void badSinceIsRefused() {
    String id = createManaged();
    assertThat(api().get(BASE + "/" + id + "/workspace?since=-1").code()).isEqualTo("invalid_parameter");
    assertThat(api().get(BASE + "/" + id + "/workspace?since=x").status()).isEqualTo(400);
  }

  /** 500 environments on default kernel limits: one inotify instance for all of them. */
  @Test
  void fiveHundredEnvironmentsAreWatchedAtOnceWithOneInotifyInstance() throws Exception {
    long instancesBefore = InotifyWatches.instances();
    List<String> ids = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> created = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        created.add(clients.submit(this::createManaged));
      }
      for (Future<String> future : created) {
        ids.add(future.get());
      }
      assertThat(watchers.countByState().get(WatcherState.WATCHING)).isGreaterThanOrEqualTo(500);
      assertThat(InotifyWatches.instances()).isEqualTo(instancesBefore);
      String last = ids.get(ids.size() - 1);
      Files.writeString(workspaceOf(last).resolve("hello"), "h");
      awaitChange(last, "CREATE", "hello");
    } finally {
      List<Future<?>> destroyed = new ArrayList<>();
      for (String id : ids) {
        destroyed.add(clients.submit(() -> api().delete(BASE + "/" + id + "?wait=PT30S")));
      }
      for (Future<?> future : destroyed) {
        future.get();
      }
      clients.shutdown();
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private String createManaged() {
    return api().post(BASE, "{\"name\":\"w\"}").json().get("id").asString();
  }

  private Path workspaceOf(String id) {
    return Path.of(api().get(BASE + "/" + id).json().get("path").asString());
  }

  private JsonNode workspace(String id, long since) {
    ApiClient.Response response = api().get(BASE + "/" + id + "/workspace?since=" + since);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private List<JsonNode> changes(String id, long since) {
    List<JsonNode> changes = new ArrayList<>();
    workspace(id, since).get("changes").forEach(changes::add);
    return changes;
  }

  private void awaitChange(String id, String kind, String path) {
    await().atMost(EVENT_TIMEOUT).until(() -> changes(id, 0).stream()
        .anyMatch(c -> c.get("kind").asString().equals(kind) && c.get("path").asString().equals(path)));
  }

  private static long lastSeq(List<JsonNode> changes) {
    return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).get("seq").asLong();
  }
}
