package io.envkeeper.runtime.watch;

import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One directory of a watched tree: its place (parent, name, depth), its watch key once registered,
 * and its subdirectories by name, so that finding or forgetting a subtree costs its size, not the
 * size of the whole tree. Only its watcher's serial executor touches it.
 */
final class WatchedDirectory {

  private final WatchedDirectory parent;
  private final Path name;
  private final Path path;
  private final Path relative;
  private final int depth;
  private final Map<Path, WatchedDirectory> children = new HashMap<>();
  private WatchKey key;
  private boolean forgotten;

  private WatchedDirectory(WatchedDirectory parent, Path name, Path path, Path relative, int depth) {
    this.parent = parent;
    this.name = name;
    this.path = path;
    this.relative = relative;
    this.depth = depth;
  }

  /** The workspace directory itself: depth 0, relative path {@code ""}. */
  static WatchedDirectory root(Path root) {
    return new WatchedDirectory(null, null, root, Path.of(""), 0);
  }

  /** A new subdirectory {@code name} (one path element), linked under this one. */
  WatchedDirectory addChild(Path name) {
    WatchedDirectory child =
        new WatchedDirectory(this, name, path.resolve(name), relative.resolve(name), depth + 1);
    children.put(name, child);
    return child;
  }

  WatchedDirectory child(Path name) {
    return children.get(name);
  }

  Collection<WatchedDirectory> children() {
    return children.values();
  }

  /** Unlinks this directory from its parent and marks it forgotten (its subtree is the caller's). */
  void unlink() {
    markForgotten();
    if (parent != null && parent.children.get(name) == this) {
      parent.children.remove(name);
    }
  }

  /** A walk step queued for this directory before it was forgotten is skipped. */
  void markForgotten() {
    forgotten = true;
  }

  boolean isRoot() {
    return parent == null;
  }

  boolean isForgotten() {
    return forgotten;
  }

  /** Its name in its parent; {@code null} for the root. */
  Path name() {
    return name;
  }

  Path path() {
    return path;
  }

  /** Relative to the workspace root; {@code ""} for the root. */
  Path relative() {
    return relative;
  }

  int depth() {
    return depth;
  }

  WatchKey key() {
    return key;
  }

  void key(WatchKey key) {
    this.key = key;
  }
}
