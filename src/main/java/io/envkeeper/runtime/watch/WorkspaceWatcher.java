package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one workspace tree: registers every directory (minus ignored ones, up to the cap) with
 * the shared {@link WatchLoop}, follows new and deleted directories, and records changes in the
 * environment's {@link ChangeLog}. A missing workspace is retried with bounded exponential backoff,
 * then the watcher gives up as FAILED; it never retries forever. All state changes happen under this
 * object's monitor; the watch thread, the retry scheduler and readers all go through it.
 */
public final class WorkspaceWatcher {

  private static final Logger log = LoggerFactory.getLogger(WorkspaceWatcher.class);

  private final UUID environmentId;
  private final Path root;
  private final WatchLoop loop;
  private final IgnoreRules ignore;
  private final WatchProperties properties;
  private final ScheduledExecutorService scheduler;
  private final WatchStats stats;
  private final Clock clock;
  private final ChangeLog changes;
  private final Map<Path, WatchKey> watched = new HashMap<>();

  private WatcherState state = WatcherState.RETRYING;
  private int retries;
  private String error;
  private boolean rescanPending;
  private ScheduledFuture<?> pendingRetry;

  WorkspaceWatcher(
      UUID environmentId,
      Path root,
      WatchLoop loop,
      IgnoreRules ignore,
      WatchProperties properties,
      ScheduledExecutorService scheduler,
      WatchStats stats,
      Clock clock) {
    this.environmentId = environmentId;
    this.root = root;
    this.loop = loop;
    this.ignore = ignore;
    this.properties = properties;
    this.scheduler = scheduler;
    this.stats = stats;
    this.clock = clock;
    this.changes = new ChangeLog(properties.bufferSize(), properties.coalesceWindow());
  }

  public UUID environmentId() {
    return environmentId;
  }

  public ChangeLog changes() {
    return changes;
  }

  /** Registers the tree, or starts retrying if the workspace directory is missing. */
  synchronized void start() {
    if (watchRoot() == RootOutcome.MISSING) {
      scheduleRetry();
    }
  }

  /** The watcher as {@code /workspace} shows it, with the changes after {@code since}. */
  public synchronized WorkspaceStatus status(long since) {
    return new WorkspaceStatus(
        state, retries, watched.size(), changes.lastSeq(), changes.lastChangeAt(), changes.since(since), error);
  }

  public synchronized WatcherState state() {
    return state;
  }

  synchronized int watchedDirectories() {
    return watched.size();
  }

  /** Cancels every key and ends the change log (its streams get their final event). Idempotent. */
  public void close() {
    synchronized (this) {
      if (state == WatcherState.CLOSED) {
        return;
      }
      state = WatcherState.CLOSED;
      if (pendingRetry != null) {
        pendingRetry.cancel(false);
      }
      cancelAll();
    }
    changes.close();
    log.info("environment {}: watcher closed", environmentId);
  }

  // --- events from the watch thread ---------------------------------------------------------

  synchronized void onEvents(Path directory, List<WatchEvent<?>> events) {
    if (state == WatcherState.CLOSED) {
      return;
    }
    for (WatchEvent<?> event : events) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        onOverflow();
        continue;
      }
      Path path = directory.resolve((Path) event.context());
      Path relative = root.relativize(path);
      if (ignore.ignores(relative)) {
        continue;
      }
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
        onCreate(path, relative);
      } else if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
        onDelete(path, relative);
      } else {
        record(ChangeKind.MODIFY, relative);
      }
    }
  }

  synchronized void onKeyInvalid(Path directory, WatchKey key) {
    if (watched.get(directory) == key) {
      watched.remove(directory);
    }
    if (directory.equals(root) && state == WatcherState.WATCHING) {
      onRootLost();
    }
  }

  private void onCreate(Path path, Path relative) {
    record(ChangeKind.CREATE, relative);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      // Files may land in a new directory before it is registered: the walk reports them.
      registerTreeOrFail(path, true);
    }
  }

  private void onDelete(Path path, Path relative) {
    record(ChangeKind.DELETE, relative);
    // A directory moved out keeps its watch (inotify follows the inode): drop it and its subtree.
    forgetTree(path);
  }

  private void onOverflow() {
    stats.overflowed();
    record(ChangeKind.OVERFLOW, Path.of(""));
    if (!rescanPending) {
      rescanPending = true;
      submit(this::rescan);
    }
  }

  private void onRootLost() {
    log.warn("environment {}: workspace {} disappeared; retrying", environmentId, root);
    cancelAll();
    record(ChangeKind.DELETE, Path.of(""));
    state = WatcherState.RETRYING;
    retries = 0;
    scheduleRetry();
  }

  // --- registration -------------------------------------------------------------------------

  /** What an attempt to watch the root came to. */
  private enum RootOutcome { WATCHING, MISSING, FAILED }

  /** Registers the whole tree from the root. */
  private RootOutcome watchRoot() {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return RootOutcome.MISSING;
    }
    try {
      registerTree(root, false);
    } catch (NoSuchFileException | NotDirectoryException e) {
      cancelAll();
      return RootOutcome.MISSING;
    } catch (IOException e) {
      fail("cannot watch " + root + ": " + describe(e));
      return RootOutcome.FAILED;
    }
    state = WatcherState.WATCHING;
    return RootOutcome.WATCHING;
  }

  private void registerTreeOrFail(Path top, boolean reportContents) {
    try {
      registerTree(top, reportContents);
    } catch (NoSuchFileException | NotDirectoryException e) {
      // deleted again before we got to it: its DELETE event follows
    } catch (IOException e) {
      fail("cannot watch " + top + ": " + describe(e));
    }
  }

  private void registerTree(Path top, boolean reportContents) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
        Path relative = root.relativize(dir);
        if (!dir.equals(top) && ignore.ignores(relative)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (!watched.containsKey(dir)) {
          if (watched.size() >= properties.maxDirectories()) {
            error = "watching the first " + properties.maxDirectories()
                + " directories only (envkeeper.watch.max-directories); changes deeper in are not reported";
            return FileVisitResult.SKIP_SUBTREE;
          }
          watched.put(dir, loop.register(dir, WorkspaceWatcher.this));
        }
        if (reportContents && !dir.equals(top)) {
          record(ChangeKind.CREATE, relative);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (reportContents) {
          record(ChangeKind.CREATE, root.relativize(file));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (file.equals(root) || !(e instanceof NoSuchFileException || e instanceof AccessDeniedException)) {
          throw e;
        }
        if (e instanceof AccessDeniedException) {
          error = "cannot read " + root.relativize(file) + " (permission denied); changes in it are not reported";
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void forgetTree(Path top) {
    Iterator<Map.Entry<Path, WatchKey>> entries = watched.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Path, WatchKey> entry = entries.next();
      if (entry.getKey().startsWith(top) && !entry.getKey().equals(root)) {
        loop.cancel(entry.getValue());
        entries.remove();
      }
    }
  }

  private void cancelAll() {
    watched.values().forEach(loop::cancel);
    watched.clear();
  }

  private void fail(String reason) {
    log.error("environment {}: watcher FAILED: {}", environmentId, reason);
    cancelAll();
    state = WatcherState.FAILED;
    error = reason;
  }

  // --- retries and rescans ------------------------------------------------------------------

  private void scheduleRetry() {
    if (retries >= properties.retryAttempts()) {
      fail("workspace directory " + root + " is missing; gave up after " + retries + " retries");
      return;
    }
    state = WatcherState.RETRYING;
    long delayMillis = properties.retryDelay(retries + 1).toMillis();
    try {
      pendingRetry = scheduler.schedule(this::retry, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: nothing more to retry
    }
  }

  private synchronized void retry() {
    if (state != WatcherState.RETRYING) {
      return;
    }
    retries++;
    RootOutcome outcome = watchRoot();
    if (outcome == RootOutcome.WATCHING) {
      log.info("environment {}: workspace {} is back after {} retries", environmentId, root, retries);
      // Whatever happened while it was gone was not seen: tell readers to resynchronise.
      record(ChangeKind.OVERFLOW, Path.of(""));
    }
    if (outcome != RootOutcome.MISSING) {
      return;
    }
    log.warn("environment {}: workspace {} still missing (retry {}/{})",
        environmentId, root, retries, properties.retryAttempts());
    scheduleRetry();
  }

  /** After an overflow: register directories whose events were lost, drop vanished ones. */
  private synchronized void rescan() {
    rescanPending = false;
    if (state != WatcherState.WATCHING) {
      return;
    }
    stats.rescanned();
    List<Path> vanished = new ArrayList<>();
    watched.keySet().stream().filter(dir -> !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)).forEach(vanished::add);
    vanished.forEach(this::forgetTree);
    registerTreeOrFail(root, false);
  }

  private void submit(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private void record(ChangeKind kind, Path relative) {
    changes.append(kind, relative.toString(), clock.instant());
    log.debug("environment {}: {} {}", environmentId, kind, relative);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message != null && message.contains("inotify")) {
      return message + " (raise fs.inotify.max_user_watches or add ignore globs)";
    }
    return e instanceof AccessDeniedException ? "permission denied" : String.valueOf(message);
  }
}
