package io.envkeeper.runtime.watch;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Where each environment's change sequence keeps its high-water mark (the database). Watchers
 * reserve seqs a block at a time and hand them out from memory, so the store sees one write per
 * block, never one per change; a seq is never handed out unless it lies inside a reservation, so
 * after a crash the next run, starting above the whole reservation, never repeats one.
 */
public interface ChangeSequences {

  /**
   * Reserves the next {@code count} seqs of the environment (blocking: a database round trip).
   *
   * @return the block {@code previous + 1 .. top}; {@code previous} is 0 when nothing was ever
   *     reserved for the environment
   */
  Reservation reserve(UUID environmentId, int count);

  /**
   * Gives back, per environment, what was reserved above the last seq handed out: after an
   * orderly stop the sequence goes on from there without a gap. Only where the high-water mark is
   * still the top of that run's newest reservation: a mark someone else raised since stays (that
   * environment's next start then counts as after a crash).
   *
   * @return the environments whose reservation was given back
   */
  Set<UUID> release(Map<UUID, Release> releases);

  /** What one run gives back: the last seq it handed out, from its newest reservation (up to {@code reservedTop}). */
  record Release(long lastHandedOut, long reservedTop) {}

  /** A block of seqs: {@code previous + 1 .. top}. */
  record Reservation(long previous, long top) {

    public Reservation {
      if (previous < 0 || top <= previous) {
        throw new IllegalArgumentException("reservation must be a non-empty block above 0, got " + previous + ".." + top);
      }
    }
  }
}
