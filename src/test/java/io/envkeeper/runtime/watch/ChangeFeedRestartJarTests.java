package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar restarted on the same data directory: a client's cursor from before keeps
 * working. After an orderly stop it gets exactly what changed while the service was down, numbered
 * right after what it saw; after a crash later than the last manifest write, an OVERFLOW first,
 * and never a seq it saw before.
 */
class ChangeFeedRestartJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-feed");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void aCursorFromBeforeAnOrderlyRestartGetsWhatChangedWhileDownAndTheSequenceGoesOn() throws Exception {
    String id;
    Path workspace;
    long cursor;
    try (ServiceProcess first = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = first.api();
      JsonNode created = api.post(BASE, "{\"name\":\"resume\"}").json();
      id = created.get("id").asString();
      workspace = Path.of(created.get("path").asString());
      for (int i = 1; i <= 12; i++) {
        Files.writeString(workspace.resolve("file-" + i + ".txt"), "x");
      }
      Files.writeString(workspace.resolve("edited.txt"), "short");
      Files.writeString(workspace.resolve("doomed.txt"), "d");
      awaitChange(api, id, "CREATE", "doomed.txt");
      cursor = workspace(api, id, 0).get("changeSeq").asLong();
      assertThat(first.stop(STOP_TIMEOUT)).as(first.log()).isIn(0, 143);
    }

    Files.writeString(workspace.resolve("made-while-down.txt"), "new");
    Files.writeString(workspace.resolve("edited.txt"), "much longer now");
    Files.delete(workspace.resolve("doomed.txt"));

    try (ServiceProcess second = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = second.api();
      JsonNode resumed = workspace(api, id, cursor);
      assertThat(describe(resumed.get("changes"))).as(second.log()).containsExactlyInAnyOrder(
          "CREATE made-while-down.txt", "MODIFY edited.txt", "DELETE doomed.txt");
      assertThat(seqs(resumed.get("changes"))).containsExactlyInAnyOrder(cursor + 1, cursor + 2, cursor + 3);
      assertThat(resumed.get("changeSeq").asLong()).isEqualTo(cursor + 3);

      try (EventStreamClient stream =
          EventStreamClient.connect(api.uri(BASE + "/" + id + "/events"), Long.toString(cursor))) {
        stream.awaitEvent(EVENT_TIMEOUT, event -> event.data().contains("doomed.txt"));
        assertThat(stream.named("change")).extracting(EventStreamClient.Event::id)
            .containsExactlyInAnyOrder(Long.toString(cursor + 1), Long.toString(cursor + 2), Long.toString(cursor + 3));
      }
      Files.writeString(workspace.resolve("live.txt"), "l");
      awaitChange(api, id, "CREATE", "live.txt");
      assertThat(workspace(api, id, cursor + 3).get("changes").get(0).get("seq").asLong()).isEqualTo(cursor + 4);
      // The changes of the run before are not kept: an older cursor is told so.
      assertThat(workspace(api, id, cursor - 1).get("changes").get(0).get("kind").asString()).isEqualTo("OVERFLOW");
      assertThat(second.stop(STOP_TIMEOUT)).isIn(0, 143);
    }
  }

  @Test
  void aCrashAfterChangesNewerThanTheLastManifestGivesAnOverflowFirstAndNeverRepeatsASeq() throws Exception {
    // Only an orderly stop writes a manifest here, so the crash below is "long after" the last one.
    List<String> arguments = new ArrayList<>(arguments());
    arguments.add("--envkeeper.watch.manifest-interval=1h");
    String id;
    Path workspace;
    long manifestSeq;
    try (ServiceProcess first = ServiceProcess.start(sandbox.home(), arguments)) {
      ApiClient api = first.api();
      JsonNode created = api.post(BASE, "{\"name\":\"crash\"}").json();
      id = created.get("id").asString();
      workspace = Path.of(created.get("path").asString());
      Files.writeString(workspace.resolve("a.txt"), "a");
      awaitChange(api, id, "CREATE", "a.txt");
      manifestSeq = workspace(api, id, 0).get("changeSeq").asLong();
      assertThat(first.stop(STOP_TIMEOUT)).isIn(0, 143);
    }

    long seen;
    try (ServiceProcess second = ServiceProcess.start(sandbox.home(), arguments)) {
      ApiClient api = second.api();
      Files.writeString(workspace.resolve("b.txt"), "b");
      Files.writeString(workspace.resolve("c.txt"), "c");
      awaitChange(api, id, "CREATE", "c.txt");
      seen = workspace(api, id, 0).get("changeSeq").asLong();
      assertThat(seen).isGreaterThan(manifestSeq);
      second.kill();
    }
    Files.writeString(workspace.resolve("d.txt"), "d");

    try (ServiceProcess third = ServiceProcess.start(sandbox.home(), arguments)) {
      ApiClient api = third.api();
      JsonNode afterCrash = workspace(api, id, seen);
      JsonNode changes = afterCrash.get("changes");
      assertThat(changes.get(0).get("kind").asString()).as(third.log()).isEqualTo("OVERFLOW");
      assertThat(seqs(changes)).allSatisfy(seq -> assertThat(seq).isGreaterThan(seen));
      assertThat(describe(changes)).contains("CREATE b.txt", "CREATE c.txt", "CREATE d.txt");
      assertThat(afterCrash.get("changeSeq").asLong()).isGreaterThan(seen);

      // The cursor of the manifest itself is answered exactly: everything since it, no OVERFLOW.
      assertThat(describe(workspace(api, id, manifestSeq).get("changes")))
          .containsExactlyInAnyOrder("CREATE b.txt", "CREATE c.txt", "CREATE d.txt");

      Files.writeString(workspace.resolve("e.txt"), "e");
      awaitChange(api, id, "CREATE", "e.txt");
      assertThat(strictlyIncreasing(workspace(api, id, seen).get("changes"))).isTrue();
      assertThat(third.stop(STOP_TIMEOUT)).isIn(0, 143);
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.add("--envkeeper.watch.coalesce-window=0");
    return arguments;
  }

  private static JsonNode workspace(ApiClient api, String id, long since) {
    ApiClient.Response response = api.get(BASE + "/" + id + "/workspace?since=" + since);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static void awaitChange(ApiClient api, String id, String kind, String path) {
    await().atMost(EVENT_TIMEOUT).until(() -> describe(workspace(api, id, 0).get("changes")).contains(kind + " " + path));
  }

  private static List<String> describe(JsonNode changes) {
    List<String> described = new ArrayList<>();
    changes.forEach(change -> described.add(change.get("kind").asString() + " " + change.get("path").asString()));
    return described;
  }

  private static List<Long> seqs(JsonNode changes) {
    List<Long> seqs = new ArrayList<>();
    changes.forEach(change -> seqs.add(change.get("seq").asLong()));
    return seqs;
  }

  private static boolean strictlyIncreasing(JsonNode changes) {
    List<Long> seqs = seqs(changes);
    for (int i = 1; i < seqs.size(); i++) {
      if (seqs.get(i) <= seqs.get(i - 1)) {
        return false;
      }
    }
    return true;
  }
}
