package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workspace's manifest and its file. Written periodically (only when something changed since
 * the last write, and never while a change is lost without its OVERFLOW in the log: the file must
 * not claim a state nobody was told of), finally by an orderly stop (marked clean), removed when
 * the environment is destroyed. The bytes are made on the watcher's serial executor, where the
 * manifest agrees with the log's last seq; the file is written by the shared writer thread, in
 * order, so the executor never waits for the disk.
 */
final class ManifestKeeper {

  private static final Logger log = LoggerFactory.getLogger(ManifestKeeper.class);

  private final UUID environmentId;
  private final Manifest manifest;
  private final ManifestFiles files;
  private final Executor writer;
  private final Clock clock;
  // Confined to the watcher's executor.
  private long writtenMutations;
  private long writtenSeq;
  private boolean discarded;
  /** Set by the writer when a write failed: the next periodic write tries again. */
  private volatile boolean failed;

  /** @param onDisk whether the file already holds this manifest (loaded from it, unchanged since) */
  ManifestKeeper(UUID environmentId, Manifest manifest, ManifestFiles files, Executor writer, Clock clock,
      boolean onDisk, long seq) {
    this.environmentId = environmentId;
    this.manifest = manifest;
    this.files = files;
    this.writer = writer;
    this.clock = clock;
    this.writtenMutations = onDisk ? manifest.mutations() : -1;
    this.writtenSeq = seq;
  }

  Manifest manifest() {
    return manifest;
  }

  /** The periodic write: only if something changed, and only while no change is lost unrecorded. */
  void writeIfChanged(long seq, boolean unrecordedLoss) {
    if (discarded || unrecordedLoss) {
      return;
    }
    if (!failed && manifest.mutations() == writtenMutations && seq == writtenSeq) {
      return;
    }
    submit(seq, false);
  }

  /**
   * The last write of this run (an orderly stop): completes with whether the file now holds the
   * manifest as of {@code seq}, marked clean.
   */
  CompletableFuture<Boolean> writeFinal(long seq) {
    if (discarded) {
      return CompletableFuture.completedFuture(false);
    }
    return submit(seq, true);
  }

  /** The environment is destroyed: no more writes; the file goes (after any write already queued). */
  void discard() {
    discarded = true;
    try {
      writer.execute(() -> {
        try {
          files.delete(environmentId);
        } catch (IOException e) {
          log.warn("environment {}: manifest not removed: {}", environmentId, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      // shutting down: the file stays; a destroyed environment's manifest is never read again
    }
  }

  private CompletableFuture<Boolean> submit(long seq, boolean clean) {
    byte[] bytes = ManifestFormat.encode(manifest, new Manifest.Header(seq, clean, clock.millis()));
    writtenMutations = manifest.mutations();
    writtenSeq = seq;
    failed = false;
    try {
      return CompletableFuture.supplyAsync(() -> write(bytes, seq), writer);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(false);
    }
  }

  private boolean write(byte[] bytes, long seq) {
    try {
      files.write(environmentId, bytes);
      log.debug("environment {}: manifest written at seq {} ({} bytes)", environmentId, seq, bytes.length);
      return true;
    } catch (IOException e) {
      failed = true;
      log.warn("environment {}: manifest not written: {}", environmentId, e.toString());
      return false;
    }
  }
}
