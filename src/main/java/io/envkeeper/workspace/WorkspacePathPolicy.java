package io.envkeeper.workspace;

import io.envkeeper.workspace.InvalidWorkspacePathException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Decides whether a client-supplied path may become a workspace: an absolute path with no
 * {@code ..}, naming an existing directory whose real path (every symlink resolved) lies strictly
 * under one of the configured roots.
 */
@Component
public class WorkspacePathPolicy {

  /** PATH_MAX on Linux; longer paths cannot be opened anyway. */
  static final int MAX_PATH_LENGTH = 4096;

  private final List<Path> roots;

  public WorkspacePathPolicy(WorkspaceProperties properties) {
    this.roots = List.copyOf(properties.roots());
  }

  /** The real path of {@code requested}, or an {@link InvalidWorkspacePathException}. */
  public Path resolve(String requested) {
    Path path = parse(requested);
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new InvalidWorkspacePathException(Reason.PATH_NOT_FOUND, "path does not exist: " + path);
    } catch (IOException e) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_FOUND, "path cannot be resolved: " + path + " (" + e.getMessage() + ")");
    }
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_DIRECTORY, "path is not a directory: " + path);
    }
    if (realRoots().stream().noneMatch(root -> real.startsWith(root) && !real.equals(root))) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_ALLOWED,
          "path " + real + " is not under any configured workspace root " + roots);
    }
    return real;
  }

  private static Path parse(String requested) {
    if (requested.isEmpty() || requested.length() > MAX_PATH_LENGTH) {
      throw new InvalidWorkspacePathException(
          Reason.INVALID_PATH, "path must be 1 to " + MAX_PATH_LENGTH + " characters");
    }
    if (requested.indexOf('\0') >= 0) {
      throw new InvalidWorkspacePathException(Reason.INVALID_PATH, "path contains a NUL byte");
    }
    Path path;
    try {
      path = Path.of(requested);
    } catch (InvalidPathException e) {
      throw new InvalidWorkspacePathException(Reason.INVALID_PATH, "path is malformed: " + e.getReason());
    }
    if (!path.isAbsolute()) {
      throw new InvalidWorkspacePathException(Reason.INVALID_PATH, "path must be absolute");
    }
    for (Path element : path) {
      if (element.toString().equals("..")) {
        throw new InvalidWorkspacePathException(Reason.INVALID_PATH, "path must not contain '..'");
      }
    }
    return path;
  }

  /** Roots are resolved on every call: a root may be created or re-linked while we run. */
  private List<Path> realRoots() {
    List<Path> real = new ArrayList<>();
    for (Path root : roots) {
      try {
        real.add(root.toRealPath());
      } catch (IOException e) {
        // A root that does not exist holds no workspace; nothing to match against.
      }
    }
    return real;
  }
}
