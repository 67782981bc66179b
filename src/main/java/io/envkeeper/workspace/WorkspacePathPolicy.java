package io.envkeeper.workspace;

import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.workspace.InvalidWorkspacePathException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether a client-supplied path may become a workspace: an absolute path with no
 * {@code ..}, naming an existing directory whose real path (every symlink resolved) lies strictly
 * under one of the configured roots, and neither inside nor above the service's own directories
 * (its data directory, the managed root), so no client workspace can reach the service's database
 * files or another environment's managed workspace.
 */
@Component
public class WorkspacePathPolicy {

  /** PATH_MAX on Linux; longer paths cannot be opened anyway. */
  static final int MAX_PATH_LENGTH = 4096;

  private final List<Path> roots;
  private final List<Path> reserved;

  /** A policy that keeps client workspaces away from the managed root only. */
  public WorkspacePathPolicy(WorkspaceProperties properties) {
    this(properties, List.of());
  }

  /** A policy that also keeps client workspaces away from the service's data directory. */
  @Autowired
  public WorkspacePathPolicy(WorkspaceProperties properties, EnvkeeperProperties envkeeper) {
    this(properties, List.of(envkeeper.dataDir()));
  }

  private WorkspacePathPolicy(WorkspaceProperties properties, List<Path> serviceDirectories) {
    this.roots = List.copyOf(properties.roots());
    List<Path> reserved = new ArrayList<>(serviceDirectories);
    reserved.add(properties.managedRoot());
    this.reserved = reserved.stream().map(path -> path.toAbsolutePath().normalize()).toList();
  }

  /**
   * The real path of {@code requested}, or an {@link InvalidWorkspacePathException}.
   *
   * <p>The roots come first: a path that is not under a root is refused as such before anything
   * says whether it exists or what it is, so a client cannot probe the host ({@code /etc/shadow}
   * is {@code path_not_allowed}, like {@code /etc/nothing}). Symlinks count where they lead: the
   * real path of the part of the path that exists is what must lie under a root.
   */
  public Path resolve(String requested) {
    Path path = parse(requested);
    Path real = realPathOfExistingPart(path);
    if (realRoots().stream().noneMatch(root -> real.startsWith(root) && !real.equals(root))) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_ALLOWED, "path " + path + " is not under any configured workspace root " + roots);
    }
    if (realReserved().stream().anyMatch(service -> real.startsWith(service) || service.startsWith(real))) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_ALLOWED, "path " + path + " overlaps a directory of the service itself");
    }
    if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidWorkspacePathException(Reason.PATH_NOT_FOUND, "path does not exist: " + path);
    }
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_DIRECTORY, "path is not a directory: " + path);
    }
    return real;
  }

  /**
   * The real path of the longest leading part of {@code path} that can be resolved, with the
   * remaining names appended as they are (they do not exist, so no symlink hides among them).
   */
  private static Path realPathOfExistingPart(Path path) {
    Path existing = path;
    Path rest = null;
    while (true) {
      try {
        Path real = existing.toRealPath();
        return rest == null ? real : real.resolve(rest).normalize();
      } catch (IOException e) {
        Path parent = existing.getParent();
        if (parent == null) {
          throw new InvalidWorkspacePathException(Reason.PATH_NOT_FOUND, "path cannot be resolved: " + path);
        }
        Path name = existing.getFileName();
        rest = rest == null ? name : name.resolve(rest);
        existing = parent;
      }
    }
  }

  /**
   * Checks, as late as possible before use, that a path {@link #resolve} accepted still names the
   * same kind of thing: a directory reached without any symlink (its real path is itself). A
   * component swapped for a symlink since validation is refused, not followed.
   */
  public void recheck(Path resolved) {
    try {
      if (!Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS) || !resolved.toRealPath().equals(resolved)) {
        throw new InvalidWorkspacePathException(
            Reason.PATH_NOT_ALLOWED, "path " + resolved + " changed while it was being checked");
      }
    } catch (IOException e) {
      throw new InvalidWorkspacePathException(
          Reason.PATH_NOT_FOUND, "path " + resolved + " disappeared while it was being checked");
    }
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

  /** The service's own directories as they are now (those that exist). */
  private List<Path> realReserved() {
    // One not created yet: its configured path is where it will be.
    return reserved.stream().map(directory -> realPath(directory).orElse(directory)).toList();
  }

  /** Roots are resolved on every call: a root may be created or re-linked while we run. */
  private List<Path> realRoots() {
    // A root that does not exist holds no workspace; nothing to match against.
    return roots.stream().flatMap(root -> realPath(root).stream()).toList();
  }

  /** The path with every link resolved, or empty when it does not exist (or cannot be read). */
  private static Optional<Path> realPath(Path path) {
    try {
      return Optional.of(path.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
