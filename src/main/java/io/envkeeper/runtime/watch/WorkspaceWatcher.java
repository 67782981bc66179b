package io.envkeeper.runtime.watch;

import io.envkeeper.deadline.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one workspace tree: registers its directories (minus ignored ones, within the caps) with
 * the shared {@link WatchLoop}, follows new and deleted directories, and records changes in the
 * environment's {@link ChangeLog}. A missing workspace is retried with bounded exponential backoff,
 * then the watcher gives up as FAILED; it never retries forever.
 *
 * <p>Threads: everything that reads the disk or changes the tree (events, walks, rescans, retries)
 * runs on this workspace's own {@link SerialExecutor}, in order, a slice at a time. Readers (status,
 * health, metrics) never wait for it: they read the {@link PublishedStatus} snapshot and the change
 * log, which has its own short lock. A close does not wait for a walk either: the walk stops at its
 * next directory, and the keys are released right after.
 */
public final class WorkspaceWatcher {

  private static final Logger log = LoggerFactory.getLogger(WorkspaceWatcher.class);
  /** Directories registered per turn before the walk queues its rest behind newer events. */
  private static final int WALK_BUDGET = 32;

  private final UUID environmentId;
  private final Path root;
  private final WatchProperties properties;
  private final SerialExecutor executor;
  private final WatchStats stats;
  private final ChangeLog changes;
  private final ChangeRecorder recorder;
  private final RetryBackoff retries;
  private final WatchedTree tree;
  private final TreeWalker walker;
  private final DirectoryEvents events;
  private final PublishedStatus published = new PublishedStatus();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> firstWalk = new CompletableFuture<>();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private volatile boolean closed;

  // Confined to the executor.
  private WatcherState state = WatcherState.RETRYING;
  private String error;
  private boolean rescanPending;
  private boolean walkQueued;

  WorkspaceWatcher(
      UUID environmentId,
      Path root,
      WatchLoop loop,
      IgnoreRules ignore,
      WatchProperties properties,
      SerialExecutor executor,
      ScheduledExecutorService scheduler,
      WatchStats stats,
      Clock clock) {
    this.environmentId = environmentId;
    this.root = root;
    this.properties = properties;
    this.executor = executor;
    this.stats = stats;
    this.changes = new ChangeLog(properties.bufferSize(), properties.coalesceWindow());
    this.recorder = new ChangeRecorder(environmentId, changes, clock);
    this.retries = new RetryBackoff(properties, scheduler, executor);
    this.tree = new WatchedTree(loop, this);
    this.walker = new TreeWalker(tree, ignore, properties, recorder, this::watchesPart);
    this.events = new DirectoryEvents(tree, walker, ignore, recorder, this::onOverflow);
  }

  public UUID environmentId() {
    return environmentId;
  }

  public ChangeLog changes() {
    return changes;
  }

  /** Starts registering the tree (or retrying, if the workspace directory is missing). Never waits. */
  void start() {
    executor.execute(this::watchFromScratch);
  }

  /**
   * Waits, at most {@code start-wait}, for the first walk of the tree, so that a change made right
   * after an environment is created is seen; a tree still being registered then keeps being
   * registered in the background. Call it outside any lock: it may take a while on a big tree.
   */
  public void awaitStarted() {
    await(firstWalk, properties.startWait(), "first registration of " + root);
  }

  /** The watcher as {@code /workspace} shows it, with the changes after {@code since}. Never waits for a walk. */
  public WorkspaceStatus status(long since) {
    PublishedStatus.Snapshot now = published.get();
    ChangeLog.View view = changes.view(since);
    return new WorkspaceStatus(
        now.state(), now.retries(), now.watchedDirectories(), view.lastSeq(), view.lastChangeAt(), view.changes(),
        now.error());
  }

  public WatcherState state() {
    return published.get().state();
  }

  int watchedDirectories() {
    return published.get().watchedDirectories();
  }

  /**
   * Ends the change log at once (its streams get their final event), stops any walk at its next
   * directory and releases every key; waits for the release at most {@code close-wait}, never for a
   * walk to finish. Idempotent.
   */
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    published.closed();
    retries.cancel();
    changes.close();
    executor.execute(this::release);
    await(released, properties.closeWait(), "release of the watches of " + root);
    log.info("environment {}: watcher closed", environmentId);
  }

  private void release() {
    walker.clear();
    tree.clear();
    firstWalk.complete(null);
    released.complete(null);
  }

  // --- events (the loop thread hands keys over; everything else runs on the executor) -------

  /** Called by the loop thread: the key has events. Only queues; never blocks. */
  void signalled(WatchKey key) {
    executor.execute(() -> drain(key));
  }

  /** Handles events as if the key of {@code directory} had signalled them (tests inject an OVERFLOW). */
  void onEvents(Path directory, List<WatchEvent<?>> events) {
    executor.execute(() -> {
      WatchedDirectory watched = closed ? null : tree.find(root.relativize(directory));
      if (watched != null) {
        this.events.handle(watched, events);
        walkSome();
      }
    });
  }

  private void drain(WatchKey key) {
    if (closed) {
      return;
    }
    List<WatchEvent<?>> events = key.pollEvents();
    boolean valid = key.reset();
    WatchedDirectory directory = tree.byKey(key);
    if (directory == null) {
      return; // forgotten while its events were in flight
    }
    this.events.handle(directory, events);
    publish();
    if (!valid) {
      onKeyInvalid(directory);
    }
    walkSome();
  }

  private void onKeyInvalid(WatchedDirectory directory) {
    if (!directory.isRoot()) {
      tree.forget(directory);
      publish();
    } else if (state == WatcherState.WATCHING) {
      onRootLost();
    }
  }

  private void onOverflow() {
    stats.overflowed();
    record(ChangeKind.OVERFLOW, Path.of(""));
    if (!rescanPending) {
      rescanPending = true;
      executor.execute(this::rescan);
    }
  }

  private void onRootLost() {
    log.warn("environment {}: workspace {} disappeared; retrying", environmentId, root);
    tree.clear();
    walker.clear();
    record(ChangeKind.DELETE, Path.of(""));
    retries.reset();
    scheduleRetry();
  }

  // --- registration -------------------------------------------------------------------------

  /** What an attempt to watch the root came to. */
  private enum RootOutcome { WATCHING, MISSING, FAILED }

  private void watchFromScratch() {
    if (!closed && watchRoot() == RootOutcome.MISSING) {
      scheduleRetry();
    }
    walkSome();
  }

  /** Registers the root and queues the walk of its tree. */
  private RootOutcome watchRoot() {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return RootOutcome.MISSING;
    }
    try {
      tree.register(tree.plant(root));
    } catch (NoSuchFileException | NotDirectoryException e) {
      tree.clear();
      return RootOutcome.MISSING;
    } catch (IOException e) {
      fail("cannot watch " + root + ": " + TreeWalker.describe(e));
      return RootOutcome.FAILED;
    }
    walker.rescan(tree.root());
    state = WatcherState.WATCHING;
    publish();
    return RootOutcome.WATCHING;
  }

  /** Walks one slice now; queues the rest behind whatever else this workspace has to do. */
  private void walkSome() {
    if (closed || state != WatcherState.WATCHING) {
      firstWalk.complete(null);
      return;
    }
    try {
      boolean more = walker.walk(WALK_BUDGET, () -> closed);
      publish();
      if (!more) {
        firstWalk.complete(null);
      } else if (!walkQueued) {
        walkQueued = true;
        executor.execute(this::continueWalk);
      }
    } catch (TreeWalker.Failure e) {
      fail(e.getMessage());
    }
  }

  private void continueWalk() {
    walkQueued = false;
    walkSome();
  }

  private void watchesPart(String reason) {
    if (!reason.equals(error)) {
      log.warn("environment {}: {}", environmentId, reason);
      error = reason;
      publish();
    }
  }

  private void fail(String reason) {
    log.error("environment {}: watcher FAILED: {}", environmentId, reason);
    walker.clear();
    tree.clear();
    state = WatcherState.FAILED;
    error = reason;
    publish();
    firstWalk.complete(null);
  }

  // --- retries and rescans ------------------------------------------------------------------

  private void scheduleRetry() {
    firstWalk.complete(null); // a start does not wait for retries
    if (retries.exhausted()) {
      fail("workspace directory " + root + " is missing; gave up after " + retries.attempts() + " retries");
      return;
    }
    state = WatcherState.RETRYING;
    publish();
    retries.schedule(this::retry);
  }

  private void retry() {
    if (closed || state != WatcherState.RETRYING) {
      return;
    }
    RootOutcome outcome = watchRoot();
    if (outcome == RootOutcome.WATCHING) {
      log.info("environment {}: workspace {} is back after {} retries", environmentId, root, retries.attempts());
      // Whatever happened while it was gone was not seen: tell readers to resynchronise.
      record(ChangeKind.OVERFLOW, Path.of(""));
      walkSome();
    } else if (outcome == RootOutcome.MISSING) {
      log.warn("environment {}: workspace {} still missing (retry {}/{})",
          environmentId, root, retries.attempts(), properties.retryAttempts());
      scheduleRetry();
    }
  }

  /** After an overflow: walk the whole tree again, registering what is new, forgetting what vanished. */
  private void rescan() {
    rescanPending = false;
    if (closed || state != WatcherState.WATCHING) {
      return;
    }
    stats.rescanned();
    walker.rescan(tree.root());
    walkSome();
  }

  // --- helpers ------------------------------------------------------------------------------

  private void publish() {
    published.publish(state, retries.attempts(), tree.watched(), error);
  }

  private void record(ChangeKind kind, Path relative) {
    recorder.record(kind, relative);
  }

  private void await(CompletableFuture<Void> step, Duration bound, String what) {
    if (!Await.completion(step, bound)) {
      if (!Thread.currentThread().isInterrupted()) {
        log.warn("environment {}: {} not done within {}; it goes on in the background", environmentId, what, bound);
      }
      return;
    }
    step.exceptionally(failure -> {
      log.error("environment {}: {} failed", environmentId, what, failure);
      return null;
    });
  }
}
