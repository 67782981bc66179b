package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one workspace tree: registers its directories (minus ignored ones, within the caps) with
 * the shared {@link WatchLoop}, follows new and deleted directories, and records changes in the
 * environment's {@link ChangeLog} and {@link Manifest}. At start it diffs the tree against the
 * manifest of the previous run (each directory after its registration), so what changed while the
 * service was down is reported before that directory's live events. A missing workspace is retried
 * with bounded exponential backoff, then the watcher gives up as FAILED; when the kernel's watch
 * limit is reached the workspace is POLLING: scanned every {@code poll-interval} against the
 * manifest, its changes still reported.
 *
 * <p>Threads: everything that reads the disk or changes the tree (events, walks, rescans, retries,
 * scans, manifest snapshots) runs on this workspace's own {@link SerialExecutor}, in order, a slice
 * at a time. Readers (status, health, metrics) never wait for it: they read the
 * {@link PublishedStatus} snapshot and the change log, which has its own short lock. A close does
 * not wait for a walk either: the walk stops at its next directory, and the keys are released right
 * after.
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
  private final ChangeSequence sequence;
  private final ManifestKeeper manifest;
  private final ChangeRecorder recorder;
  private final RetryBackoff retries;
  private final PollSchedule polls;
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
  /** Whether the first walk reports what differs from the manifest (false: it only builds it). */
  private final boolean diffAtStart;

  WorkspaceWatcher(
      UUID environmentId,
      Path root,
      WatchShared shared,
      SerialExecutor executor,
      ChangeLog changes,
      ChangeSequence sequence,
      ManifestKeeper manifest,
      boolean diffAtStart) {
    this.environmentId = environmentId;
    this.root = root;
    this.properties = shared.properties();
    this.executor = executor;
    this.stats = shared.stats();
    this.changes = changes;
    this.sequence = sequence;
    this.manifest = manifest;
    this.diffAtStart = diffAtStart;
    this.recorder = new ChangeRecorder(environmentId, root, changes, manifest.manifest(), shared.clock());
    this.retries = new RetryBackoff(properties, shared.scheduler(), executor);
    this.polls = new PollSchedule(properties.pollInterval(), shared.scheduler(), executor);
    this.tree = new WatchedTree(shared.loop(), this);
    DirectoryDiff diff = new DirectoryDiff(manifest.manifest(), recorder);
    this.walker = new TreeWalker(tree, shared.ignore(), properties, diff, this::watchesPart);
    this.events = new DirectoryEvents(tree, walker, shared.ignore(), recorder, this::onOverflow);
  }

  public UUID environmentId() {
    return environmentId;
  }

  public ChangeLog changes() {
    return changes;
  }

  ChangeSequence sequence() {
    return sequence;
  }

  /** Starts registering the tree (or retrying, if the workspace directory is missing). Never waits. */
  void start() {
    long started = System.nanoTime();
    firstWalk.thenRun(() -> walked(started));
    executor.execute(() -> {
      if (!closed && watchRoot(diffAtStart) == RootOutcome.MISSING) {
        scheduleRetry();
      }
      walkSome();
    });
  }

  /** Says how long the first walk took and what it found (the start-up diff's cost, per workspace). */
  private void walked(long startedNanos) {
    if (closed) {
      return;
    }
    PublishedStatus.Snapshot now = published.get();
    log.info("environment {}: first walk done in {} ms ({}; {}, {} directories watched, change seq {})",
        environmentId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), now.state(),
        diffAtStart ? "diffed against the manifest" : "manifest built", now.watchedDirectories(), changes.lastSeq());
  }

  /**
   * Waits, at most {@code start-wait}, for the first walk of the tree (its diff against the
   * manifest included), so that a change made right after an environment is created is seen; a
   * tree still being registered then keeps being registered in the background. Call it outside any
   * lock: it may take a while on a big tree.
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
   * The environment is destroyed: ends the change log at once (its streams get their final event),
   * stops any walk at its next directory, releases every key and removes the manifest; waits for
   * the release at most {@code close-wait}, never for a walk to finish. Idempotent.
   */
  public void close() {
    if (!stopping()) {
      return;
    }
    changes.close();
    executor.execute(() -> {
      manifest.discard();
      release();
    });
    await(released, properties.closeWait(), "release of the watches of " + root);
    log.info("environment {}: watcher closed", environmentId);
  }

  /**
   * Ends this run of the watcher but not the environment (the service stops, or the watcher is
   * rebuilt): after what it is doing now, the log is sealed, the manifest written as of the last
   * seq (marked clean: the next run continues from it exactly) and the keys released. Completes
   * with that seq once the file is written, empty if it could not be (the next run then counts as
   * after a crash). Idempotent; never waits itself.
   */
  CompletableFuture<OptionalLong> suspend() {
    if (!stopping()) {
      return CompletableFuture.completedFuture(OptionalLong.empty());
    }
    CompletableFuture<OptionalLong> done = new CompletableFuture<>();
    executor.execute(() -> {
      changes.seal();
      long seq = changes.lastSeq();
      boolean exact = !changes.hasUnrecordedLoss();
      CompletableFuture<Boolean> written = exact ? manifest.writeFinal(seq) : CompletableFuture.completedFuture(false);
      release();
      written.whenComplete((ok, e) -> done.complete(Boolean.TRUE.equals(ok) ? OptionalLong.of(seq) : OptionalLong.empty()));
    });
    return done;
  }

  private boolean stopping() {
    if (!closing.compareAndSet(false, true)) {
      return false;
    }
    closed = true;
    published.closed();
    retries.cancel();
    polls.cancel();
    return true;
  }

  private void release() {
    walker.clear();
    tree.clear();
    firstWalk.complete(null);
    released.complete(null);
  }

  /** Writes the manifest if something changed since the last write (the periodic write). */
  void saveManifest() {
    executor.execute(() -> {
      if (!closed) {
        manifest.writeIfChanged(changes.lastSeq(), changes.hasUnrecordedLoss());
      }
    });
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
    recorder.record(ChangeKind.OVERFLOW, Path.of(""));
    if (!rescanPending) {
      rescanPending = true;
      executor.execute(this::rescan);
    }
  }

  private void onRootLost() {
    log.warn("environment {}: workspace {} disappeared; retrying", environmentId, root);
    polls.cancel();
    tree.clear();
    walker.clear();
    recorder.record(ChangeKind.DELETE, Path.of(""));
    retries.reset();
    scheduleRetry();
  }

  // --- registration -------------------------------------------------------------------------

  /** What an attempt to watch the root came to. */
  private enum RootOutcome { WATCHING, POLLING, MISSING, FAILED }

  /** Registers the root and queues the walk of its tree; {@code report}: what differs from the manifest. */
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
    if (closed || (state != WatcherState.WATCHING && state != WatcherState.POLLING)) {
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
    walker.clear();
    tree.clear();
    state = WatcherState.FAILED;
    error = reason;
    publish();
    firstWalk.complete(null);
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
    if (closed || state != WatcherState.POLLING || walker.busy()) {
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
    if (closed || state != WatcherState.WATCHING) {
      return;
    }
    stats.rescanned();
    walker.rescan(tree.root(), true);
    walkSome();
  }

  // --- helpers ------------------------------------------------------------------------------

  private void publish() {
    published.publish(state, retries.attempts(), tree.watched(), error);
  }

  private void await(CompletableFuture<Void> step, Duration bound, String what) {
    try {
      step.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      log.warn("environment {}: {} not done within {}; it goes on in the background", environmentId, what, bound);
    } catch (ExecutionException e) {
      log.error("environment {}: {} failed", environmentId, what, e.getCause());
    }
  }
}
