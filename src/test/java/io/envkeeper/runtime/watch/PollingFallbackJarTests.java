package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The kernel's inotify watch limit reached for a workspace: the workspace is POLLING, its changes
 * still reported, and the state and its reason show in {@code /workspace} and health (the state in
 * metrics too).
 *
 * <p>The limit is real, and lowered for this service alone: the jar runs in a user namespace of
 * its own ({@code unshare --user --map-root-user}), whose {@code /proc/sys/user/max_inotify_watches}
 * (per user namespace since Linux 4.9, and counted against every parent's limit) is set to
 * {@value #WATCH_LIMIT} there. The machine-wide {@code fs.inotify.max_user_watches} and everyone
 * else's watches are never touched, so the test is safe beside other builds.
 */
class PollingFallbackJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final int WATCH_LIMIT = 24;
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(15);

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    assumeTrue(userNamespaceWithOwnWatchLimit(), "cannot make a user namespace with its own inotify watch limit here");
    sandbox = JarSandbox.create("jar-polling");
  }

  @AfterEach
  void leaveNothingRunning() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void aWorkspaceBeyondTheWatchLimitIsPolledAndItsChangesStillReported() throws Exception {
    Path small = Files.createDirectories(sandbox.home().resolve("small/src"));
    Path big = Files.createDirectory(sandbox.home().resolve("big"));
    for (int i = 0; i < 2 * WATCH_LIMIT; i++) {
      Files.createDirectories(big.resolve("dir-" + i + "/inner"));
    }
    Files.writeString(big.resolve("dir-7/inner/doomed.txt"), "d");
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of("--envkeeper.watch.poll-interval=300ms", "--envkeeper.watch.coalesce-window=0"));

    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments, limitedWatches(), Map.of())) {
      ApiClient api = service.api();
      String smallId = create(api, small.getParent());
      String bigId = create(api, big);

      JsonNode polled = workspace(api, bigId);
      assertThat(polled.get("watcher").asString()).as(service.log()).isEqualTo("POLLING");
      assertThat(polled.get("error").asString()).contains("inotify watches", "envkeeper.watch.poll-interval");
      assertThat(workspace(api, smallId).get("watcher").asString()).isEqualTo("WATCHING");

      Files.writeString(big.resolve("dir-40/inner/new.txt"), "n");
      Files.createDirectory(big.resolve("dir-3/made-later"));
      Files.writeString(big.resolve("dir-3/made-later/deeper.txt"), "x");
      Files.delete(big.resolve("dir-7/inner/doomed.txt"));
      awaitChange(api, bigId, "CREATE", "dir-40/inner/new.txt");
      awaitChange(api, bigId, "CREATE", "dir-3/made-later/deeper.txt");
      awaitChange(api, bigId, "DELETE", "dir-7/inner/doomed.txt");
      Files.writeString(big.resolve("dir-40/inner/new.txt"), "grown longer");
      awaitChange(api, bigId, "MODIFY", "dir-40/inner/new.txt");

      // The other workspace keeps its watches and its live events.
      Files.writeString(small.resolve("live.txt"), "l");
      awaitChange(api, smallId, "CREATE", "src/live.txt");

      JsonNode health = api.get("/actuator/health").json().get("components").get("watchers");
      assertThat(health.get("details").get("polling").asInt()).isEqualTo(1);
      assertThat(health.get("details").get("polls").asLong()).isPositive();
      // Which workspace is polled and why, in words an operator can act on.
      assertThat(health.get("details").get("polled").get(bigId).asString())
          .contains("inotify watches", "envkeeper.watch.poll-interval");
      assertThat(health.get("details").get("polled").has(smallId)).isFalse();
      assertThat(api.get("/actuator/prometheus").body()).contains("envkeeper_watchers{state=\"POLLING\"} 1.0");
      assertThat(service.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }

  /** unshare(1) into a new user namespace that sets its own watch limit, then execs the service. */
  private static List<String> limitedWatches() {
    return List.of("unshare", "--user", "--map-root-user", "sh", "-c",
        "echo " + WATCH_LIMIT + " > /proc/sys/user/max_inotify_watches && exec \"$@\"", "limited");
  }

  private static boolean userNamespaceWithOwnWatchLimit() {
    List<String> probe = new ArrayList<>(limitedWatches());
    probe.add("true");
    try {
      Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String create(ApiClient api, Path path) {
    ApiClient.Response created = api.post(BASE, "{\"name\":\"p\",\"path\":" + ApiClient.quote(path.toString()) + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private static JsonNode workspace(ApiClient api, String id) {
    ApiClient.Response response = api.get(BASE + "/" + id + "/workspace?since=0");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static void awaitChange(ApiClient api, String id, String kind, String path) {
    await().atMost(EVENT_TIMEOUT).until(() -> {
      for (JsonNode change : workspace(api, id).get("changes")) {
        if (change.get("kind").asString().equals(kind) && change.get("path").asString().equals(path)) {
          return true;
        }
      }
      return false;
    });
  }
}
