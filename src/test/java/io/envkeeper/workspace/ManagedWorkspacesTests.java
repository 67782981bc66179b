package io.envkeeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.support.DeepTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedWorkspacesTests {

  @TempDir Path temp;
  private Path managedRoot;
  private ManagedWorkspaces workspaces;

  @BeforeEach
  void setUp() {
    managedRoot = temp.resolve("managed");
    workspaces = new ManagedWorkspaces(new WorkspaceProperties(List.of(temp), managedRoot));
  }

  @Test
  void createdWorkspaceIsOwnerOnly() throws IOException {
    Path workspace = workspaces.create(UUID.randomUUID());
    assertThat(workspace.getParent()).isEqualTo(managedRoot.toRealPath());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspace))).isEqualTo("rwx------");
  }

  @Test
  void deleteRemovesTheWholeTree() throws IOException {
    Path workspace = workspaces.create(UUID.randomUUID());
    Files.createDirectories(workspace.resolve("a/b/c"));
    Files.writeString(workspace.resolve("a/b/c/file"), "x");
    Files.writeString(workspace.resolve("top"), "y");

    workspaces.delete(workspace);

    assertThat(workspace).doesNotExist();
  }

  @Test
  void deleteUnlinksSymlinksWithoutTouchingTheirTargets() throws IOException {
    Path outside = Files.createDirectory(temp.resolve("precious"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    Path outsideFile = Files.writeString(temp.resolve("keep-file.txt"), "keep");
    Path workspace = workspaces.create(UUID.randomUUID());
    Files.createSymbolicLink(workspace.resolve("dir-link"), outside);
    Files.createDirectories(workspace.resolve("nested"));
    Files.createSymbolicLink(workspace.resolve("nested/file-link"), outsideFile);

    workspaces.delete(workspace);

    assertThat(workspace).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
    assertThat(outsideFile).hasContent("keep");
  }

  @Test
  void workspaceReplacedByASymlinkLosesOnlyTheLink() throws IOException {
    Path outside = Files.createDirectory(temp.resolve("target"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    Files.createDirectories(managedRoot);
    Path workspace = Files.createSymbolicLink(managedRoot.resolve(UUID.randomUUID().toString()), outside);

    workspaces.delete(workspace);

    assertThat(Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
  }

  /**
   * A 30 000-deep tree under node_modules (far deeper than PATH_MAX): a recursive delete overflowed
   * its stack, and one open directory per level ran out of file descriptors.
   */
  @Test
  void deleteRemovesATreeDeeperThanPathMaxWithBoundedOpenFiles() throws Exception {
    Path workspace = workspaces.create(UUID.randomUUID());
    Path outside = Files.createDirectory(temp.resolve("precious"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    try {
      DeepTrees.chain(workspace, "node_modules", 30_000);
      Path shallow = workspace.resolve(DeepTrees.level("node_modules", 200));
      Files.writeString(shallow.resolve("file"), "x");
      Files.createSymbolicLink(shallow.resolve("link-out"), outside);
      long before = openFiles();
      AtomicLong peak = new AtomicLong(before);
      AtomicBoolean deleting = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (deleting.get()) {
          peak.accumulateAndGet(openFiles(), Math::max);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a sampling period, not a wait for anything
        }
      }, "fd-sampler");
      sampler.start();
      try {
        workspaces.delete(workspace);
      } finally {
        deleting.set(false);
        sampler.join(10_000);
      }

      assertThat(Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(outside.resolve("keep.txt")).hasContent("keep");
      assertThat(peak.get() - before).as("descriptors opened at once").isLessThan(100);
    } finally {
      DeepTrees.remove(workspace);
    }
  }

  @Test
  void deleteIsIdempotent() throws IOException {
    Path workspace = workspaces.create(UUID.randomUUID());
    workspaces.delete(workspace);
    workspaces.delete(workspace);
    assertThat(workspace).doesNotExist();
  }

  @Test
  void deleteRefusesAnythingOutsideTheManagedRoot() throws IOException {
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere/victim"));
    assertThatThrownBy(() -> workspaces.delete(elsewhere)).isInstanceOf(IOException.class);
    assertThat(elsewhere).exists();
  }

  private static long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
