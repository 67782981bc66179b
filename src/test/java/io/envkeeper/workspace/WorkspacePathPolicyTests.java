package io.envkeeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.config.EnvkeeperProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacePathPolicyTests {

  @TempDir Path temp;
  private Path root;
  private Path outside;
  private WorkspacePathPolicy policy;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(temp.resolve("root")).toRealPath();
    outside = Files.createDirectory(temp.resolve("outside")).toRealPath();
    policy = new WorkspacePathPolicy(new WorkspaceProperties(List.of(root), temp.resolve("managed")));
  }

  @Test
  void directoryUnderRootResolvesToItsRealPath() throws IOException {
    Path project = Files.createDirectories(root.resolve("a/project"));
    assertThat(policy.resolve(project.toString())).isEqualTo(project.toRealPath());
  }

  @Test
  void dotDotIsRefusedEvenWhenItWouldLandInsideTheRoot() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    assertRefused(root + "/a/b/../b", "invalid_path");
  }

  @Test
  void absolutePathOutsideRootsIsRefused() {
    assertRefused(outside.toString(), "path_not_allowed");
  }

  @Test
  void symlinkInsideRootPointingOutsideIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("escape"), outside);
    assertRefused(link.toString(), "path_not_allowed");
  }

  @Test
  void symlinkInsideRootPointingInsideIsAccepted() throws IOException {
    Path target = Files.createDirectory(root.resolve("real"));
    Path link = Files.createSymbolicLink(root.resolve("alias"), target);
    assertThat(policy.resolve(link.toString())).isEqualTo(target);
  }

  @Test
  void fileIsRefused() throws IOException {
    Path file = Files.writeString(root.resolve("file.txt"), "x");
    assertRefused(file.toString(), "path_not_directory");
  }

  @Test
  void missingDirectoryIsRefused() {
    assertRefused(root.resolve("missing").toString(), "path_not_found");
  }

  @Test
  void rootItselfIsRefused() {
    assertRefused(root.toString(), "path_not_allowed");
  }

  @Test
  void relativeNulAndOverlongPathsAreRefused() {
    assertRefused("relative/dir", "invalid_path");
    assertRefused(root + "/a\0b", "invalid_path");
    assertRefused("/" + "a".repeat(WorkspacePathPolicy.MAX_PATH_LENGTH), "invalid_path");
    assertRefused("", "invalid_path");
  }

  @Test
  void siblingWithTheRootAsNamePrefixIsRefused() throws IOException {
    Path sibling = Files.createDirectory(temp.resolve("root-evil"));
    assertRefused(sibling.toString(), "path_not_allowed");
  }

  @Test
  void theServicesOwnDirectoriesAndTheirParentsAreRefused() throws IOException {
    Path service = Files.createDirectories(root.resolve("svc"));
    Path managed = Files.createDirectories(service.resolve("managed"));
    Path data = Files.createDirectories(service.resolve("data/postgres")).getParent();
    Path other = Files.createDirectories(managed.resolve("some-environment"));
    Path neighbour = Files.createDirectories(root.resolve("neighbour"));
    policy = new WorkspacePathPolicy(
        new WorkspaceProperties(List.of(root), managed), new EnvkeeperProperties(data));

    assertRefused(managed.toString(), "path_not_allowed");
    assertRefused(other.toString(), "path_not_allowed");
    assertRefused(data.resolve("postgres").toString(), "path_not_allowed");
    assertRefused(service.toString(), "path_not_allowed");
    Path link = Files.createSymbolicLink(root.resolve("to-data"), data);
    assertRefused(link.toString(), "path_not_allowed");
    assertThat(policy.resolve(neighbour.toString())).isEqualTo(neighbour);
  }

  /** Nothing about a path outside the roots is revealed: not whether it exists, nor what it is. */
  @Test
  void pathsOutsideTheRootsAreRefusedBeforeTheirExistenceIsLookedAt() throws IOException {
    Path file = Files.writeString(outside.resolve("secret"), "x");
    Path directory = Files.createDirectory(outside.resolve("dir"));

    assertRefused("/etc/shadow", "path_not_allowed");
    assertRefused("/etc/no-such-file-" + System.nanoTime(), "path_not_allowed");
    assertRefused(file.toString(), "path_not_allowed");
    assertRefused(directory.toString(), "path_not_allowed");
    assertRefused(outside.resolve("missing/deeper").toString(), "path_not_allowed");
  }

  @Test
  void pathsThroughASymlinkOutOfTheRootAreRefusedWhateverLiesBehindIt() throws IOException {
    Files.writeString(outside.resolve("secret"), "x");
    Path link = Files.createSymbolicLink(root.resolve("escape"), outside);

    assertRefused(link.resolve("secret").toString(), "path_not_allowed");
    assertRefused(link.resolve("missing").toString(), "path_not_allowed");
    assertRefused(link.resolve("missing/deeper").toString(), "path_not_allowed");
    Path toFile = Files.createSymbolicLink(root.resolve("to-file"), outside.resolve("secret"));
    assertRefused(toFile.toString(), "path_not_allowed");
    // Where the link leads is not told either.
    assertThatThrownBy(() -> policy.resolve(link.resolve("secret").toString()))
        .hasMessageNotContaining(outside.toString());
  }

  @Test
  void directorySwappedForASymlinkAfterValidationFailsTheRecheck() throws IOException {
    Path project = Files.createDirectories(root.resolve("project"));
    Path resolved = policy.resolve(project.toString());
    policy.recheck(resolved);

    Files.move(project, temp.resolve("moved"));
    Files.createSymbolicLink(project, outside);

    assertThatThrownBy(() -> policy.recheck(resolved))
        .isInstanceOfSatisfying(
            InvalidWorkspacePathException.class, e -> assertThat(e.code()).isEqualTo("path_not_allowed"));
  }

  @Test
  void parentSwappedForASymlinkAfterValidationFailsTheRecheck() throws IOException {
    Path project = Files.createDirectories(root.resolve("parent/project"));
    Path resolved = policy.resolve(project.toString());
    Files.createDirectories(outside.resolve("project"));

    Files.move(root.resolve("parent"), temp.resolve("moved-parent"));
    Files.createSymbolicLink(root.resolve("parent"), outside);

    assertThatThrownBy(() -> policy.recheck(resolved)).isInstanceOf(InvalidWorkspacePathException.class);
  }

  @Test
  void vanishedDirectoryFailsTheRecheck() throws IOException {
    Path project = Files.createDirectories(root.resolve("gone"));
    Path resolved = policy.resolve(project.toString());
    Files.delete(project);

    assertThatThrownBy(() -> policy.recheck(resolved)).isInstanceOf(InvalidWorkspacePathException.class);
  }

  private void assertRefused(String path, String code) {
    assertThatThrownBy(() -> policy.resolve(path))
        .isInstanceOfSatisfying(
            InvalidWorkspacePathException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
