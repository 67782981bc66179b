package io.envkeeper.runtime.watch;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Turns the events of one watched directory into changes and tree updates: a new subdirectory is
 * queued for its walk (once: one already known is never walked again), a deleted or moved-out one
 * is forgotten with its subtree. Costs O(1) per event plus what it forgets. Only its watcher's
 * serial executor calls it.
 *
 * @param overflowed run when the kernel (or the JDK's per-key queue) dropped events
 */
record DirectoryEvents(
    WatchedTree tree, TreeWalker walker, IgnoreRules ignore, ChangeRecorder changes, Runnable overflowed) {

  void handle(WatchedDirectory directory, List<WatchEvent<?>> events) {
    for (WatchEvent<?> event : events) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        overflowed.run();
        continue;
      }
      if (directory.isForgotten()) {
        continue; // dropped from the tree since its key signalled: its subdirectories are no concern
      }
      Path name = (Path) event.context();
      Path relative = directory.relative().resolve(name);
      if (ignore.ignoresEntry(relative)) {
        continue;
      }
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
        created(directory, name, relative);
      } else if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
        deleted(directory, name, relative);
      } else {
        changes.record(ChangeKind.MODIFY, relative);
      }
    }
  }

  private void created(WatchedDirectory directory, Path name, Path relative) {
    BasicFileAttributes attributes = changes.attributes(relative);
    changes.record(ChangeKind.CREATE, relative, attributes);
    if (directory.child(name) == null && attributes != null && attributes.isDirectory()) {
      // Files may land in a new directory before it is registered: its walk reports them.
      walker.appeared(directory, name);
    }
  }

  private void deleted(WatchedDirectory directory, Path name, Path relative) {
    changes.record(ChangeKind.DELETE, relative);
    // A directory moved out keeps its watch (inotify follows the inode): drop it and its subtree.
    WatchedDirectory child = directory.child(name);
    if (child != null) {
      tree.forget(child);
    }
  }
}
