package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one workspace tree, on its watcher's serial executor only: registers the root and walks
 * the tree (each directory diffed against the manifest), handles the key events, rescans after an
 * overflow, retries a missing root with backoff, and falls back to POLLING when the kernel's watch
 * limit is reached. Its state machine (WATCHING, POLLING, RETRYING, FAILED) is published after each
 * step for readers that must not wait.
 */
final class TreeFollower {

  private static final Logger log = LoggerFactory.getLogger(TreeFollower.class);
  /** Directories registered per turn before the walk queues its rest behind newer events. */
  private static final int WALK_BUDGET = 32;

  private final UUID environmentId;
  private final Path root;
  private final WatchProperties properties;
  private final SerialExecutor executor;
  private final WatchStats stats;
  private final ChangeRecorder recorder;
  private final RetryBackoff retries;
  private final PollSchedule polls;
  private final WatchedTree tree;
  private final TreeWalker walker;
  private final DirectoryEvents events;
  private final PublishedStatus published;
  private final BooleanSupplier closed;
  private final Runnable walked;
  private WatcherState state = WatcherState.RETRYING;
  private String error;
  private boolean rescanPending;
  private boolean walkQueued;

  /**
   * @param closed whether the watcher is closing: every step stops at its next chance
   * @param walked told whenever a walk (or the attempt to start one) has come to an end
   */
  TreeFollower(
      WorkspaceWatcher owner, Path root, WatchShared shared, SerialExecutor executor, ChangeRecorder recorder,
      Manifest manifest, PublishedStatus published, BooleanSupplier closed, Runnable walked) {
    this.environmentId = owner.environmentId();
    this.root = root;
    this.properties = shared.properties();
    this.executor = executor;
    this.stats = shared.stats();
    this.recorder = recorder;
    this.published = published;
    this.closed = closed;
    this.walked = walked;
    this.retries = new RetryBackoff(properties, shared.scheduler(), executor);
    this.polls = new PollSchedule(properties.pollInterval(), shared.scheduler(), executor);
    this.tree = new WatchedTree(shared.loop(), owner);
    this.walker = new TreeWalker(tree, shared.ignore(), properties, new DirectoryDiff(manifest, recorder), this::watchesPart);
    this.events = new DirectoryEvents(tree, walker, shared.ignore(), recorder, this::onOverflow);
  }

  /** The first step: watch the root and walk the tree; {@code report}: what differs from the manifest. */
  void start(boolean report) {
    if (!closed.getAsBoolean() && watchRoot(report) == RootOutcome.MISSING) {
      scheduleRetry();
    }
    walkSome();
  }

  /** Stops the timers (safe from any thread); the executor's queue sees {@code closed}. */
  void cancelTimers() {
    retries.cancel();
    polls.cancel();
  }

  /** Forgets the tree and gives every key back. */
  void release() {
    walker.clear();
    tree.clear();
  }

  // --- events -------------------------------------------------------------------------------

  void drain(WatchKey key) {
    if (closed.getAsBoolean()) {
      return;
    }
    List<WatchEvent<?>> pending = key.pollEvents();
    boolean valid = key.reset();
    WatchedDirectory directory = tree.byKey(key);
    if (directory == null) {
      return; // forgotten while its events were in flight
    }
    events.handle(directory, pending);
    publish();
    if (!valid) {
      onKeyInvalid(directory);
    }
    walkSome();
  }

  /** Handles events as if the key of {@code directory} had signalled them (tests inject an OVERFLOW). */
  void inject(Path directory, List<WatchEvent<?>> injected) {
    WatchedDirectory watched = closed.getAsBoolean() ? null : tree.find(root.relativize(directory));
    if (watched != null) {
      events.handle(watched, injected);
      walkSome();
    }
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
    recorder.record(ChangeKind.OVERFLOW, Path.of(""));
    if (!rescanPending) {
      rescanPending = true;
      executor.execute(this::rescan);
    }
  }

  private void onRootLost() {
    log.warn("environment {}: workspace {} disappeared; retrying", environmentId, root);
    polls.cancel();
    release();
    recorder.record(ChangeKind.DELETE, Path.of(""));
    retries.reset();
    scheduleRetry();
  }

  // --- registration -------------------------------------------------------------------------

  /** What an attempt to watch the root came to. */
  private enum RootOutcome { WATCHING, POLLING, MISSING, FAILED }

  /** Registers the root and queues the walk of its tree. */
  private RootOutcome watchRoot(boolean report) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return RootOutcome.MISSING;
    }
    try {
      tree.register(tree.plant(root, false));
    } catch (NoSuchFileException | NotDirectoryException e) {
      tree.clear();
      return RootOutcome.MISSING;
    } catch (IOException e) {
      String reason = "cannot watch " + root + ": " + TreeWalker.describe(e);
      if (TreeWalker.isWatchLimit(e)) {
        startPolling(reason);
        return RootOutcome.POLLING;
      }
      fail(reason);
      return RootOutcome.FAILED;
    }
    walker.rescan(tree.root(), report);
    state = WatcherState.WATCHING;
    publish();
    return RootOutcome.WATCHING;
  }

  /** Walks one slice now; queues the rest behind whatever else this workspace has to do. */
  private void walkSome() {
    if (closed.getAsBoolean() || (state != WatcherState.WATCHING && state != WatcherState.POLLING)) {
      walked.run();
      return;
    }
    try {
      boolean more = walker.walk(WALK_BUDGET, closed);
      publish();
      if (!more) {
        walked.run();
      } else if (!walkQueued) {
        walkQueued = true;
        executor.execute(this::continueWalk);
      }
    } catch (TreeWalker.Failure e) {
      if (e.watchLimit() && state == WatcherState.WATCHING) {
        startPolling(e.getMessage());
        walkSome();
      } else {
        fail(e.getMessage());
      }
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
    polls.cancel();
    release();
    state = WatcherState.FAILED;
    error = reason;
    publish();
    walked.run();
  }

  // --- polling ------------------------------------------------------------------------------

  /**
   * The kernel's watch limit is reached: every key of this workspace is given back (to the other
   * workspaces), and the tree is scanned every {@code poll-interval} against the manifest instead,
   * starting now (the first scan reports what the partial registration missed).
   */
  private void startPolling(String cause) {
    log.warn("environment {}: {}; POLLING every {} instead", environmentId, cause, polls.interval());
    walker.clear();
    tree.plant(root, true);
    state = WatcherState.POLLING;
    error = cause + "; the workspace is scanned every " + polls.interval().toMillis()
        + " ms instead (envkeeper.watch.poll-interval). Raise the limit and restart the service to watch it again";
    publish();
    walker.rescan(tree.root(), true);
    polls.start(this::poll);
  }

  /** One scan of a polled workspace (skipped while the last one is still walking). */
  private void poll() {
    if (closed.getAsBoolean() || state != WatcherState.POLLING || walker.busy()) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      onRootLost();
      return;
    }
    stats.polled();
    walker.rescan(tree.root(), true);
    walkSome();
  }

  // --- retries and rescans ------------------------------------------------------------------

  private void scheduleRetry() {
    walked.run(); // a start does not wait for retries
    if (retries.exhausted()) {
      fail("workspace directory " + root + " is missing; gave up after " + retries.attempts() + " retries");
      return;
    }
    state = WatcherState.RETRYING;
    publish();
    retries.schedule(this::retry);
  }

  private void retry() {
    if (closed.getAsBoolean() || state != WatcherState.RETRYING) {
      return;
    }
    RootOutcome outcome = watchRoot(true);
    if (outcome == RootOutcome.WATCHING || outcome == RootOutcome.POLLING) {
      log.info("environment {}: workspace {} is back after {} retries", environmentId, root, retries.attempts());
      // What happened while it was gone was not seen as it happened: the diff against the
      // manifest that follows reports what it can, but the order and anything undone meanwhile
      // are lost; tell readers to resynchronise.
      recorder.record(ChangeKind.OVERFLOW, Path.of(""));
      walkSome();
    } else if (outcome == RootOutcome.MISSING) {
      log.warn("environment {}: workspace {} still missing (retry {}/{})",
          environmentId, root, retries.attempts(), properties.retryAttempts());
      scheduleRetry();
    }
  }

  /** After an overflow: walk the whole tree again, reporting what differs from the manifest. */
  private void rescan() {
    rescanPending = false;
    if (closed.getAsBoolean() || state != WatcherState.WATCHING) {
      return;
    }
    stats.rescanned();
    walker.rescan(tree.root(), true);
    walkSome();
  }

  private void publish() {
    published.publish(state, retries.attempts(), tree.watched(), error);
  }
}
