package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
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
 * tree never holds a thread for long and a close is noticed between two directories. Each
 * directory is registered before it is listed (a change after the registration raises an event, a
 * change before it shows in the listing: nothing falls between), and its listing is diffed against
 * the {@link Manifest} ({@link DirectoryDiff}). Two kinds of walk: a directory that just appeared
 * (what is in it is reported) and a whole tree (at start, when the workspace comes back, after an
 * overflow, each scan of a polled workspace: what differs from the manifest is reported, unless the
 * walk only builds the manifest; vanished directories are forgotten). Iterative, each directory
 * registered once and listed once per walk: O(directories + entries). Caps: {@code max-depth} and
 * {@code max-directories}. Only its watcher's serial executor calls it.
 */
final class TreeWalker {

  /** A directory could not be watched for a reason that stops watching the whole tree (ENOSPC, EMFILE...). */
  static final class Failure extends Exception {

    private final boolean watchLimit;

    Failure(Path directory, IOException cause) {
      super("cannot watch " + directory + ": " + describe(cause), cause);
      this.watchLimit = isWatchLimit(cause);
    }

    /** The kernel's limit of inotify watches is reached: the tree can still be polled. */
    boolean watchLimit() {
      return watchLimit;
    }
  }

  /**
   * One directory to register and list; {@code report}: tell the log what differs from the
   * manifest; {@code rescan}: also walk its known subdirectories.
   */
  private record Step(WatchedDirectory directory, boolean report, boolean rescan) {}

  private final WatchedTree tree;
  private final IgnoreRules ignore;
  private final WatchProperties properties;
  private final DirectoryDiff diff;
  private final Consumer<String> partial;
  private final Deque<Step> steps = new ArrayDeque<>();

  /**
   * @param partial told why part of the tree is not watched (a cap, a permission): the watcher
   *     shows it in {@code error}
   */
  TreeWalker(
      WatchedTree tree, IgnoreRules ignore, WatchProperties properties, DirectoryDiff diff, Consumer<String> partial) {
    this.tree = tree;
    this.ignore = ignore;
    this.properties = properties;
    this.diff = diff;
    this.partial = partial;
  }

  /** Queues directory {@code name} that just appeared in {@code parent}, unless a cap keeps it out. */
  void appeared(WatchedDirectory parent, Path name) {
    WatchedDirectory directory = admit(parent, name);
    if (directory != null) {
      steps.push(new Step(directory, true, false));
    }
  }

  /**
   * Queues a walk of {@code directory} and everything under it; {@code report}: what differs from
   * the manifest is reported (else the manifest is only brought up to date).
   */
  void rescan(WatchedDirectory directory, boolean report) {
    steps.push(new Step(directory, report, true));
  }

  void clear() {
    steps.clear();
  }

  /** Whether a walk is under way. */
  boolean busy() {
    return !steps.isEmpty();
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
    Set<Path> subdirectories = new HashSet<>();
    DirectoryDiff.Listing listing = diff.start(directory.relative(), step.report());
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory.path())) {
      for (Path entry : entries) {
        Path name = entry.getFileName();
        if (ignore.ignoresEntry(directory.relative().resolve(name))) {
          continue;
        }
        if (listing.found(entry, name)) {
          subdirectories.add(name);
        }
      }
    } catch (IOException e) {
      unwatchable(directory, e);
      return;
    } catch (DirectoryIteratorException e) {
      unwatchable(directory, e.getCause());
      return;
    }
    listing.finish();
    for (Path name : subdirectories) {
      subdirectory(step, name);
    }
    if (step.rescan()) {
      forgetVanished(directory, subdirectories);
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
      steps.push(new Step(child, step.report(), true));
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
      // Gone (or a file now) before we got to it: its DELETE event follows (a polled tree's next
      // scan finds it gone). The root's loss is the watcher's to handle.
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

  /** ENOSPC from inotify_add_watch, as the JDK reports it. */
  static boolean isWatchLimit(IOException e) {
    String message = e.getMessage();
    return message != null && message.contains("inotify watches");
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
