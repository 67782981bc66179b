package io.envkeeper.runtime.watch;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * The change feed within one run of the service, real inotify and real directories: cursors that
 * cannot be right are refused, the sequence goes on across a workspace that is removed and made
 * again and across a rebuilt watcher, and the manifests are written owner-only.
 */
@TestPropertySource(properties = {
  "envkeeper.watch.retry-attempts=20",
  "envkeeper.watch.retry-base=50ms",
  "envkeeper.watch.retry-max=200ms",
  "envkeeper.watch.coalesce-window=0",
  "envkeeper.watch.manifest-interval=200ms",
  "envkeeper.watch.sequence-block=5"
})
class ChangeFeedIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

  @Autowired WorkspaceWatchers watchers;
  @Autowired RuntimeManager runtimes;
  @Autowired EnvkeeperProperties service;
  @Autowired ChangeSequences sequences;

  @Test
  void aCursorAheadOfTheSequenceOrNotANumberIsRefusedNotAnsweredEmpty() throws Exception {
    String id = createManaged();
    Files.writeString(workspaceOf(id).resolve("one"), "1");
    awaitChange(id, "CREATE", "one");
    long changeSeq = workspace(id, 0).get("changeSeq").asLong();

    assertProblem(api().get(BASE + "/" + id + "/workspace?since=" + (changeSeq + 1)), 400, "invalid_parameter");
    assertProblem(api().get(BASE + "/" + id + "/workspace?since=" + Long.MAX_VALUE), 400, "invalid_parameter");
    assertProblem(api().get(BASE + "/" + id + "/workspace?since=12abc"), 400, "invalid_parameter");
    assertProblem(events(id, Long.toString(changeSeq + 500)), 400, "invalid_parameter");
    assertProblem(events(id, "x"), 400, "invalid_parameter");
    assertThat(api().get(BASE + "/" + id + "/workspace?since=" + changeSeq).status()).isEqualTo(200);
  }

  /**
   * Removed and made again (with a file already in it, moved in whole before the watcher looks):
   * the sequence goes on above what the client saw, an OVERFLOW says events were missed, and the
   * diff against the manifest reports what is there now.
   */
  @Test
  void aWorkspaceRemovedAndMadeAgainContinuesTheSequenceAndReportsWhatItHolds() throws Exception {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("again-" + UUID.randomUUID()));
    Files.writeString(project.resolve("kept.txt"), "k");
    String id = api().post(BASE, "{\"name\":\"again\",\"path\":" + ApiClient.quote(project.toString()) + "}")
        .json().get("id").asString();
    for (int i = 0; i < 12; i++) { // more than a reserved block of 5: the sequence crosses blocks
      Files.writeString(project.resolve("f" + i), "x");
    }
    awaitChange(id, "CREATE", "f11");
    long seen = workspace(id, 0).get("changeSeq").asLong();

    FileSystemUtils.deleteRecursively(project);
    await().atMost(EVENT_TIMEOUT).until(() -> workspace(id, seen).get("watcher").asString().equals("RETRYING"));
    Path staging = Files.createDirectories(OUTSIDE.resolve("staging-" + UUID.randomUUID()));
    Files.writeString(staging.resolve("kept.txt"), "k");
    Files.writeString(staging.resolve("new-while-gone.txt"), "n");
    Files.move(staging, project, StandardCopyOption.ATOMIC_MOVE);

    await().atMost(EVENT_TIMEOUT).until(() -> workspace(id, seen).get("watcher").asString().equals("WATCHING"));
    awaitChange(id, seen, "CREATE", "new-while-gone.txt");
    List<JsonNode> after = changes(id, seen);
    assertThat(after).allSatisfy(change -> assertThat(change.get("seq").asLong()).isGreaterThan(seen));
    assertThat(kinds(after)).contains("DELETE ", "OVERFLOW ", "CREATE new-while-gone.txt", "DELETE f0");
    assertThat(strictlyIncreasing(after)).isTrue();
    api().delete(BASE + "/" + id + "?wait=PT10S");
  }

  /** A new watcher for the same environment in the same process takes over the sequence exactly. */
  @Test
  void aRebuiltWatcherContinuesTheSequenceAndReportsWhatChangedMeanwhile() throws Exception {
    String id = createManaged();
    UUID environmentId = UUID.fromString(id);
    Path workspace = workspaceOf(id);
    Files.writeString(workspace.resolve("before.txt"), "b");
    Files.writeString(workspace.resolve("edited.txt"), "1");
    awaitChange(id, "CREATE", "edited.txt");
    WorkspaceWatcher first = runtimes.find(environmentId).orElseThrow().watcher();
    long seen = first.changes().lastSeq();

    watchers.suspend(List.of(first));
    Files.writeString(workspace.resolve("meanwhile.txt"), "m");
    Files.writeString(workspace.resolve("edited.txt"), "two");
    Files.delete(workspace.resolve("before.txt"));
    WorkspaceWatcher second = watchers.open(environmentId, workspace);
    try {
      second.awaitStarted();
      List<WorkspaceChange> meanwhile = second.changes().since(seen);
      assertThat(meanwhile).extracting(c -> c.kind() + " " + c.path())
          .containsExactlyInAnyOrder("CREATE meanwhile.txt", "MODIFY edited.txt", "DELETE before.txt");
      assertThat(meanwhile).extracting(WorkspaceChange::seq).containsExactlyInAnyOrder(seen + 1, seen + 2, seen + 3);
      Files.writeString(workspace.resolve("live.txt"), "l");
      await().atMost(EVENT_TIMEOUT).until(() -> second.changes().since(seen + 3).stream()
          .anyMatch(c -> c.path().equals("live.txt") && c.seq() == seen + 4));
    } finally {
      watchers.close(second);
      api().delete(BASE + "/" + id + "?wait=PT10S");
    }
  }

  /**
   * Two holders of one environment's sequence (a node that lost its lease still running beside the
   * process that took its id over): the one that stops gives back only what nobody reserved above
   * since, so the other's reservation stands and a later start never hands out one of its seqs.
   */
  @Test
  void givingBackNeverLowersAReservationSomeoneElseMadeSince() {
    UUID environmentId = UUID.fromString(createManaged());
    ChangeSequences.Reservation first = sequences.reserve(environmentId, 10);
    ChangeSequences.Reservation other = sequences.reserve(environmentId, 10);

    sequences.release(Map.of(environmentId, new ChangeSequences.Release(first.previous() + 3, first.top())));

    assertThat(sequences.reserve(environmentId, 10).previous()).isEqualTo(other.top());
    api().delete(BASE + "/" + environmentId + "?wait=PT10S");
  }

  /** The holder whose reservation is the newest gives back what it did not hand out. */
  @Test
  void givingBackTheNewestReservationContinuesRightAfterTheLastSeqHandedOut() {
    UUID environmentId = UUID.fromString(createManaged());
    ChangeSequences.Reservation mine = sequences.reserve(environmentId, 10);

    sequences.release(Map.of(environmentId, new ChangeSequences.Release(mine.previous() + 4, mine.top())));

    assertThat(sequences.reserve(environmentId, 10).previous()).isEqualTo(mine.previous() + 4);
    api().delete(BASE + "/" + environmentId + "?wait=PT10S");
  }

  @Test
  void manifestsAreWrittenOwnerOnlyAndRemovedWithTheirEnvironment() throws Exception {
    String id = createManaged();
    Files.writeString(workspaceOf(id).resolve("secret-name.txt"), "s");
    awaitChange(id, "CREATE", "secret-name.txt");
    Path manifests = service.dataDir().toAbsolutePath().resolve("manifests");
    Path manifest = manifests.resolve(id + ".manifest");

    await().atMost(EVENT_TIMEOUT).until(() -> Files.exists(manifest)
        && new String(Files.readAllBytes(manifest), java.nio.charset.StandardCharsets.UTF_8).contains("secret-name.txt"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manifests, LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest, LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rw-------");

    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
    await().atMost(EVENT_TIMEOUT).until(() -> !Files.exists(manifest));
  }

  // --- helpers ------------------------------------------------------------------------------

  private ApiClient.Response events(String id, String lastEventId) {
    return api().send(HttpRequest.newBuilder(api().uri(BASE + "/" + id + "/events"))
        .header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).GET());
  }

  private String createManaged() {
    return api().post(BASE, "{\"name\":\"feed\"}").json().get("id").asString();
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
    awaitChange(id, 0, kind, path);
  }

  private void awaitChange(String id, long since, String kind, String path) {
    await().atMost(EVENT_TIMEOUT).until(() -> changes(id, since).stream()
        .anyMatch(c -> c.get("kind").asString().equals(kind) && c.get("path").asString().equals(path)));
  }

  private static List<String> kinds(List<JsonNode> changes) {
    return changes.stream().map(c -> c.get("kind").asString() + " " + c.get("path").asString()).toList();
  }

  private static boolean strictlyIncreasing(List<JsonNode> changes) {
    for (int i = 1; i < changes.size(); i++) {
      if (changes.get(i).get("seq").asLong() <= changes.get(i - 1).get("seq").asLong()) {
        return false;
      }
    }
    return true;
  }
}
