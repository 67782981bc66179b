package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Registers the directories of one workspace, a bounded number per call, so that a big or deep
 * tree never holds a thread for long and a close is noticed between two directories. Two kinds of
 * walk: a directory that just appeared (what is already in it is reported as created) and a whole
 * tree (at start, when the workspace comes back, after an overflow: nothing reported, vanished
 * directories forgotten). Iterative, each directory registered once and listed once per walk:
 * O(directories + entries). Caps: {@code max-depth} and {@code max-directories}. Only its
 * watcher's serial executor calls it.
 */
final class TreeWalker {

  /** A directory could not be watched for a reason that fails the whole watcher (ENOSPC, EMFILE...). */
  static final class Failure extends Exception {

    Failure(Path directory, IOException cause) {
      super("cannot watch " + directory + ": " + describe(cause), cause);
    }
  }

  /** One directory to register and list; {@code rescan}: also walk its known subdirectories. */
  private record Step(WatchedDirectory directory, boolean report, boolean rescan) {}

  private final WatchedTree tree;
  private final IgnoreRules ignore;
  private final WatchProperties properties;
  private final ChangeRecorder changes;
  private final Consumer<String> partial;
  private final Deque<Step> steps = new ArrayDeque<>();

  /**
   * @param partial told why part of the tree is not watched (a cap, a permission): the watcher
   *     shows it in {@code error}
   */
  TreeWalker(
      WatchedTree tree, IgnoreRules ignore, WatchProperties properties, ChangeRecorder changes,
      Consumer<String> partial) {
    this.tree = tree;
    this.ignore = ignore;
    this.properties = properties;
    this.changes = changes;
    this.partial = partial;
  }

  /** Queues directory {@code name} that just appeared in {@code parent}, unless a cap keeps it out. */
  void appeared(WatchedDirectory parent, Path name) {
    WatchedDirectory directory = admit(parent, name);
    if (directory != null) {
      steps.push(new Step(directory, true, false));
    }
  }

  /** Queues a walk of {@code directory} and everything under it, reporting nothing. */
  void rescan(WatchedDirectory directory) {
    steps.push(new Step(directory, false, true));
  }

  void clear() {
    steps.clear();
  }

  /**
   * Registers and lists up to {@code budget} directories, fewer if {@code stop} says so between
   * two of them. Returns whether work remains.
   */
  boolean walk(int budget, BooleanSupplier stop) throws Failure {
    for (int done = 0; done < budget && !steps.isEmpty() && !stop.getAsBoolean(); done++) {
      Step step = steps.pop();
      if (!step.directory().isForgotten() && registered(step.directory())) {
        list(step);
      }
    }
    return !steps.isEmpty();
  }

  private WatchedDirectory admit(WatchedDirectory parent, Path name) {
    if (parent.depth() >= properties.maxDepth()) {
      partial.accept("watching directories down to " + properties.maxDepth()
          + " levels only (envkeeper.watch.max-depth); changes deeper in are not reported");
      return null;
    }
    if (tree.size() >= properties.maxDirectories()) {
      partial.accept("watching the first " + properties.maxDirectories()
          + " directories only (envkeeper.watch.max-directories); changes deeper in are not reported");
      return null;
    }
    return tree.add(parent, name);
  }

  private boolean registered(WatchedDirectory directory) throws Failure {
    if (directory.key() != null) {
      return true;
    }
    try {
      tree.register(directory);
      return true;
    } catch (IOException e) {
      unwatchable(directory, e);
      return false;
    }
  }

  private void list(Step step) throws Failure {
    WatchedDirectory directory = step.directory();
    Set<Path> seen = step.rescan() ? new HashSet<>() : null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory.path())) {
      for (Path entry : entries) {
        Path name = entry.getFileName();
        Path relative = directory.relative().resolve(name);
        if (ignore.ignoresEntry(relative)) {
          continue;
        }
        if (step.report()) {
          changes.record(ChangeKind.CREATE, relative);
        }
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          if (seen != null) {
            seen.add(name);
          }
          subdirectory(step, name);
        }
      }
    } catch (IOException e) {
      unwatchable(directory, e);
      return;
    } catch (DirectoryIteratorException e) {
      unwatchable(directory, e.getCause());
      return;
    }
    if (seen != null) {
      forgetVanished(directory, seen);
    }
  }

  private void subdirectory(Step step, Path name) {
    WatchedDirectory child = step.directory().child(name);
    if (child == null) {
      child = admit(step.directory(), name);
      if (child != null) {
        steps.push(new Step(child, step.report(), step.rescan()));
      }
    } else if (step.rescan()) {
      steps.push(new Step(child, false, true));
    }
    // else: already known (an event for it came first), registered or queued: never walked twice
  }

  /** Subdirectories known to the tree but no longer on disk (their events were lost). */
  private void forgetVanished(WatchedDirectory directory, Set<Path> seen) {
    List<WatchedDirectory> vanished = new ArrayList<>();
    for (WatchedDirectory child : directory.children()) {
      if (!seen.contains(child.name())) {
        vanished.add(child);
      }
    }
    vanished.forEach(tree::forget);
  }

  /** Sorts out why a directory cannot be registered or listed. */
  private void unwatchable(WatchedDirectory directory, IOException e) throws Failure {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      // Gone (or a file now) before we got to it: its DELETE event follows. The root's loss is
      // the watcher's to handle (its key goes invalid).
      if (!directory.isRoot()) {
        tree.forget(directory);
      }
    } else if (directory.isRoot()) {
      throw new Failure(directory.path(), e);
    } else if (e instanceof AccessDeniedException) {
      partial.accept("cannot read " + directory.relative() + " (permission denied); changes in it are not reported");
      tree.forget(directory);
    } else if (isNameTooLong(e)) {
      partial.accept("cannot watch " + directory.relative()
          + ": its path is longer than the system allows; changes in it are not reported");
      tree.forget(directory);
    } else {
      throw new Failure(directory.path(), e);
    }
  }

  private static boolean isNameTooLong(IOException e) {
    return e instanceof FileSystemException fs && fs.getReason() != null && fs.getReason().contains("too long");
  }

  /** The reason an operator can act on. */
  static String describe(IOException e) {
    String message = e.getMessage();
    if (message != null && message.contains("inotify")) {
      return message + " (raise fs.inotify.max_user_watches or add ignore globs)";
    }
    return e instanceof AccessDeniedException ? "permission denied" : String.valueOf(message);
  }
}
