package io.envkeeper.workspace;

import io.envkeeper.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates and removes the directories of managed workspaces ({@code <managed-root>/<id>}).
 *
 * <p>Removal goes through {@link DirectoryTreeDeleter}: relative to open directories, never
 * following a link, iterative and with a bounded number of open files, so a tree deeper than
 * {@code PATH_MAX} (a runaway {@code node_modules}) is removed like any other.
 */
@Component
public class ManagedWorkspaces {

  private static final Logger log = LoggerFactory.getLogger(ManagedWorkspaces.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private final Path managedRoot;

  public ManagedWorkspaces(WorkspaceProperties properties) {
    this.managedRoot = properties.managedRoot().toAbsolutePath().normalize();
    // An earlier release may have left the root open; the workspaces in it are 0700 already, and
    // their contents belong to the workers that wrote them.
    OwnerOnlyFiles.restrict(managedRoot);
  }

  /** Creates {@code <managed-root>/<id>} with owner-only permissions and returns its real path. */
  public Path create(UUID id) {
    FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    try {
      Files.createDirectories(managedRoot, ownerOnly);
      Path dir = Files.createDirectory(managedRoot.resolve(id.toString()), ownerOnly);
      // The umask may have narrowed the mode further, never widened it; set it exactly.
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
      return dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create managed workspace for environment " + id, e);
    }
  }

  /**
   * Removes a managed workspace and everything in it, without following any symlink. Idempotent:
   * a directory that is already gone is not an error.
   */
  public void delete(Path workspace) throws IOException {
    Path parent = workspace.getParent();
    Path name = workspace.getFileName();
    if (parent == null || name == null) {
      throw new IllegalArgumentException("workspace must name a directory inside a parent: " + workspace);
    }
    if (!Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
      log.debug("managed workspace {} is already gone", workspace);
      return;
    }
    if (!isManagedRoot(parent)) {
      throw new IOException("refusing to delete " + workspace + ": not directly under " + managedRoot);
    }
    try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
      if (!(parentStream instanceof SecureDirectoryStream<Path> secureParent)) {
        throw new IOException("this file system cannot delete without following links");
      }
      DirectoryTreeDeleter.delete(secureParent, name);
    } catch (NoSuchFileException e) {
      log.debug("managed workspace {} is already gone", workspace);
    }
  }

  private boolean isManagedRoot(Path dir) {
    try {
      return dir.toRealPath().equals(managedRoot.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }
}
