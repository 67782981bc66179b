package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The directories of one workspace that are (or are about to be) watched, and their keys. Every
 * operation costs O(1) or the size of the subtree it touches; nothing scans the whole tree or
 * compares whole paths. Only its watcher's serial executor touches it.
 */
final class WatchedTree {

  private final WatchLoop loop;
  private final WorkspaceWatcher owner;
  private final Map<WatchKey, WatchedDirectory> byKey = new HashMap<>();
  private WatchedDirectory root;
  private int size;
  /** Polled, not watched: directories are walked but never registered with the loop. */
  private boolean polling;

  WatchedTree(WatchLoop loop, WorkspaceWatcher owner) {
    this.loop = loop;
    this.owner = owner;
  }

  /**
   * Starts a new tree at the workspace directory (the old one, if any, is forgotten first);
   * {@code polling}: its directories are only walked, never registered (the kernel's watch limit
   * is reached).
   */
  WatchedDirectory plant(Path rootPath, boolean polling) {
    clear();
    this.polling = polling;
    root = WatchedDirectory.root(rootPath);
    size = 1;
    return root;
  }

  WatchedDirectory root() {
    return root;
  }

  /** A new, not yet registered, subdirectory of {@code parent}. */
  WatchedDirectory add(WatchedDirectory parent, Path name) {
    size++;
    return parent.addChild(name);
  }

  /**
   * Registers the directory with the shared loop. A directory moved within the workspace keeps
   * its inode, so registering it at its new place yields the key it had at the old one: the key
   * then belongs to the new place, and forgetting the old place must not cancel it.
   */
  void register(WatchedDirectory directory) throws IOException {
    if (polling) {
      return;
    }
    WatchKey key = loop.register(directory.path(), owner);
    WatchedDirectory previous = byKey.put(key, directory);
    if (previous != null && previous != directory) {
      previous.key(null);
    }
    directory.key(key);
  }

  WatchedDirectory byKey(WatchKey key) {
    return byKey.get(key);
  }

  /** The directory at {@code relative} (to the root) if it is in the tree. */
  WatchedDirectory find(Path relative) {
    WatchedDirectory directory = root;
    if (relative.toString().isEmpty()) {
      return directory;
    }
    for (int i = 0; directory != null && i < relative.getNameCount(); i++) {
      directory = directory.child(relative.getName(i));
    }
    return directory;
  }

  /** Forgets the directory and its whole subtree, cancelling their keys. */
  void forget(WatchedDirectory top) {
    Deque<WatchedDirectory> todo = new ArrayDeque<>();
    todo.push(top);
    top.unlink();
    while (!todo.isEmpty()) {
      WatchedDirectory directory = todo.pop();
      for (WatchedDirectory child : directory.children()) {
        child.markForgotten();
        todo.push(child);
      }
      WatchKey key = directory.key();
      if (key != null && byKey.get(key) == directory) {
        byKey.remove(key);
        loop.cancel(key, owner);
      }
      directory.key(null);
      size--;
    }
    if (top == root) {
      root = null;
    }
  }

  /** Forgets everything. */
  void clear() {
    if (root != null) {
      forget(root);
    }
    size = 0;
  }

  /** Directories registered with the loop. */
  int watched() {
    return byKey.size();
  }

  /** Directories in the tree, registered or about to be. */
  int size() {
    return size;
  }
}
