package io.envkeeper.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything the service writes for itself is readable by its own user only: the data directory,
 * the embedded database, its password, the instance lock, worker logs (rotated ones too), the
 * managed root and each managed workspace directory. What workers write inside a workspace is
 * theirs (their umask is left alone), so the contents of workspaces are not looked at.
 */
class OwnerOnlyFilesJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      PosixFilePermissions.fromString("---rwxrwx");

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-owner-only");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void everythingTheServiceWritesIsOwnerOnly() throws IOException {
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = service.api();
      String environment = api.post(BASE, "{\"name\":\"logs\"}").json().get("id").asString();
      ApiClient.Response worker = api.post(BASE + "/" + environment + "/workers", "{\"profile\":\"chatty\"}");
      assertThat(worker.status()).as(worker.body()).isEqualTo(201);
      sandbox.track(worker.json().get("pid").asInt());
      Path log = sandbox.dataDir().resolve("worker-logs").resolve(environment)
          .resolve(worker.json().get("id").asString() + ".log");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log.resolveSibling(log.getFileName() + ".1")));

      assertThat(openToOthers()).isEmpty();

      api.delete(BASE + "/" + environment + "?wait=PT20S");
    }
  }

  @Test
  void whatAnEarlierReleaseLeftOpenIsNarrowedAtStart() throws IOException {
    Path data = Files.createDirectories(sandbox.dataDir());
    Path lock = Files.writeString(data.resolve("instance.lock"), "1\n");
    Path logs = Files.createDirectories(data.resolve("worker-logs").resolve(UUID.randomUUID().toString()));
    Path log = Files.writeString(logs.resolve(UUID.randomUUID() + ".log"), "a tenant's output\n");
    Path rotated = Files.writeString(logs.resolve(log.getFileName() + ".1"), "older output\n");
    Path managedRoot = Files.createDirectories(sandbox.home().resolve("workspaces"));
    for (Path path : List.of(data, logs, logs.getParent(), managedRoot)) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (Path path : List.of(lock, log, rotated)) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    }

    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments())) {
      assertThat(openToOthers()).isEmpty();
      assertThat(Files.readString(log)).isEqualTo("a tenant's output\n");
    }
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        "--envkeeper.workers.profiles.chatty.command[0]=sh",
        "--envkeeper.workers.profiles.chatty.command[1]=-c",
        // Output in several bursts: a rotation happens on a write that would pass the cap.
        "--envkeeper.workers.profiles.chatty.command[2]=i=0; while [ $i -lt 40 ]; do echo line $i of a tenant output; i=$((i+1)); sleep 0.05; done; exec sleep 600",
        "--envkeeper.workers.profiles.chatty.log-max-bytes=512B"));
    return arguments;
  }

  /** Entries of the data dir and the managed root (not inside workspaces) open to group or others. */
  private List<String> openToOthers() throws IOException {
    List<String> open = new ArrayList<>();
    Path managedRoot = sandbox.home().resolve("workspaces");
    collect(sandbox.dataDir(), managedRoot, open);
    if (Files.exists(managedRoot)) {
      check(managedRoot, open);
      try (Stream<Path> workspaces = Files.list(managedRoot)) {
        for (Path workspace : workspaces.toList()) {
          check(workspace, open);
        }
      }
    }
    return open;
  }

  private static void collect(Path root, Path managedRoot, List<String> open) throws IOException {
    try (Stream<Path> entries = Files.walk(root)) {
      for (Path entry : entries.toList()) {
        if (!entry.startsWith(managedRoot)) {
          check(entry, open);
        }
      }
    }
  }

  private static void check(Path entry, List<String> open) throws IOException {
    if (Files.isSymbolicLink(entry)) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
    if (permissions.stream().anyMatch(GROUP_OR_OTHER::contains)) {
      open.add(PosixFilePermissions.toString(permissions) + " " + entry);
    }
  }
}
