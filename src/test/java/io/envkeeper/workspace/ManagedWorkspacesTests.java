package io.envkeeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
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
}
