package io.envkeeper.worker;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A worker starts in its environment's workspace or not at all: a workspace that vanished, or that
 * now resolves somewhere else (swapped for a symlink, itself or a directory above it), is refused
 * with a 409 and starts nothing.
 */
@TestPropertySource(properties = "envkeeper.workers.profiles.sleeper.command=sleep,1000")
class WorkerWorkspaceIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  private final List<Integer> started = new CopyOnWriteArrayList<>();

  @AfterEach
  void leaveNoProcessBehind() {
    started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void workspaceSwappedForASymlinkIsRefusedAndNothingStartsOutside() throws IOException {
    Path workspace = Files.createDirectory(WORKSPACE_ROOT.resolve("swapped-" + UUID.randomUUID()));
    String env = createOn(workspace);
    Path elsewhere = Files.createDirectory(OUTSIDE.resolve("elsewhere-" + UUID.randomUUID()));
    Files.move(workspace, workspace.resolveSibling(workspace.getFileName() + "-moved"));
    Files.createSymbolicLink(workspace, elsewhere);

    Response response = startSleeper(env);

    assertProblem(response, 409, "workspace_moved");
    assertThat(api().get(BASE + "/" + env + "/workers").json().get("items")).isEmpty();
  }

  @Test
  void directoryAboveTheWorkspaceSwappedForASymlinkIsRefused() throws IOException {
    Path parent = Files.createDirectory(WORKSPACE_ROOT.resolve("parent-" + UUID.randomUUID()));
    Path workspace = Files.createDirectory(parent.resolve("ws"));
    String env = createOn(workspace);
    Path elsewhere = Files.createDirectory(OUTSIDE.resolve("elsewhere-" + UUID.randomUUID()));
    Files.createDirectory(elsewhere.resolve("ws"));
    Files.move(parent, parent.resolveSibling(parent.getFileName() + "-moved"));
    Files.createSymbolicLink(parent, elsewhere);

    Response response = startSleeper(env);

    assertProblem(response, 409, "workspace_moved");
    assertThat(api().get(BASE + "/" + env + "/workers").json().get("items")).isEmpty();
  }

  @Test
  void vanishedWorkspaceIsAConflictNotASpawnFailure() throws IOException {
    Path workspace = Files.createDirectory(WORKSPACE_ROOT.resolve("vanished-" + UUID.randomUUID()));
    String env = createOn(workspace);
    Files.delete(workspace);

    Response response = startSleeper(env);

    assertProblem(response, 409, "workspace_missing");
    assertThat(api().get(BASE + "/" + env + "/workers").json().get("items")).isEmpty();
  }

  @Test
  void workerStartsInTheVerifiedWorkspace() throws IOException {
    Path workspace = Files.createDirectory(WORKSPACE_ROOT.resolve("kept-" + UUID.randomUUID()));
    String env = createOn(workspace);

    Response response = startSleeper(env);

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    int pid = response.json().get("pid").asInt();
    assertThat(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd"))).isEqualTo(workspace);
    assertThat(api().delete(BASE + "/" + env + "?wait=PT20S").status()).isEqualTo(200);
  }

  private String createOn(Path workspace) {
    Response created = api().post(BASE, "{\"name\":\"ws\",\"path\":\"" + workspace + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private Response startSleeper(String env) {
    Response response = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"sleeper\"}");
    if (response.status() == 201) {
      started.add(response.json().get("pid").asInt());
    }
    return response;
  }
}
