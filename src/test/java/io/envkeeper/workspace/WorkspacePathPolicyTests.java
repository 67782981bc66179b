package io.envkeeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private void assertRefused(String path, String code) {
    assertThatThrownBy(() -> policy.resolve(path))
        .isInstanceOfSatisfying(
            InvalidWorkspacePathException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
