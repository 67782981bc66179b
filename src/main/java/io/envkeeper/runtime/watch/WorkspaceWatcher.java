package io.envkeeper.runtime.watch;

import io.envkeeper.deadline.Await;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one workspace: its {@link TreeFollower} registers the tree (minus ignored ones, within
 * the caps) with the shared {@link WatchLoop}, follows it, and records changes in the environment's
 * {@link ChangeLog} and {@link Manifest}. At start the tree is diffed against the manifest the
 * previous run left (each directory right after its registration), so what changed while the
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

  private final UUID environmentId;
  private final Path root;
  private final WatchProperties properties;
  private final SerialExecutor executor;
  private final ChangeLog changes;
  private final ChangeSequence sequence;
  private final ManifestKeeper manifest;
  private final TreeFollower follower;
  private final PublishedStatus published = new PublishedStatus();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> firstWalk = new CompletableFuture<>();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  /** Whether the first walk reports what differs from the manifest (false: it only builds it). */
  private final boolean diffAtStart;
  private volatile boolean closed;

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
    this.changes = changes;
    this.sequence = sequence;
    this.manifest = manifest;
    this.diffAtStart = diffAtStart;
    ChangeRecorder recorder = new ChangeRecorder(environmentId, root, changes, manifest.manifest(), shared.clock());
    this.follower = new TreeFollower(
        this, root, shared, executor, recorder, manifest.manifest(), published, () -> closed, () -> firstWalk.complete(null));
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
    executor.execute(() -> follower.start(diffAtStart));
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

  PublishedStatus.Snapshot snapshot() {
    return published.get();
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
      CompletableFuture<Boolean> written = changes.hasUnrecordedLoss()
          ? CompletableFuture.completedFuture(false) // the file must not claim a state nobody was told of
          : manifest.writeFinal(seq);
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
    follower.cancelTimers();
    return true;
  }

  private void release() {
    follower.release();
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

  /** Called by the loop thread: the key has events. Only queues; never blocks. */
  void signalled(WatchKey key) {
    executor.execute(() -> follower.drain(key));
  }

  /** Handles events as if the key of {@code directory} had signalled them (tests inject an OVERFLOW). */
  void onEvents(Path directory, List<WatchEvent<?>> events) {
    executor.execute(() -> follower.inject(directory, events));
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
