package io.envkeeper.runtime.watch;

import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out one environment's change seqs from blocks reserved in {@link ChangeSequences}. The next
 * block is reserved in the background once half of the current one is used, so the watcher's
 * thread does not wait for the database; if a block runs out before the next one arrives (a
 * database outage), it waits for it at most {@link #STARVED_WAIT_MILLIS} once, then answers "none"
 * until a block arrives: the change log records the loss as an OVERFLOW, never silently.
 *
 * <p>Only the watcher's serial executor calls {@link #next()}.
 */
final class ChangeSequence implements ChangeLog.SeqSource {

  private static final Logger log = LoggerFactory.getLogger(ChangeSequence.class);
  /** Longest a change waits for a block that is on its way; later changes do not wait. */
  static final long STARVED_WAIT_MILLIS = 1000;

  private final UUID environmentId;
  private final ChangeSequences store;
  private final Executor reserver;
  private final int blockSize;
  private final ChangeSequences.Reservation first;
  private long next;
  private long limit;
  private CompletableFuture<ChangeSequences.Reservation> ahead;
  private boolean starved;

  private ChangeSequence(
      UUID environmentId, ChangeSequences store, Executor reserver, int blockSize, ChangeSequences.Reservation first) {
    this.environmentId = environmentId;
    this.store = store;
    this.reserver = reserver;
    this.blockSize = blockSize;
    this.first = first;
    this.next = first.previous() + 1;
    this.limit = first.top();
  }

  /** Reserves the first block now (the caller waits for the database once). */
  static ChangeSequence reserve(UUID environmentId, ChangeSequences store, Executor reserver, int blockSize) {
    return new ChangeSequence(environmentId, store, reserver, blockSize, store.reserve(environmentId, blockSize));
  }

  /** The first block: where the sequence stood before this run and what it holds now. */
  ChangeSequences.Reservation firstReservation() {
    return first;
  }

  /**
   * Uses up the next seq without giving it to a change: the start mark of a run that cannot tell
   * where the previous one stopped (it stands above every seq that run may have handed out).
   */
  long skip() {
    long seq = next();
    if (seq < 0) {
      throw new IllegalStateException("environment " + environmentId + ": a fresh block has no seq");
    }
    return seq;
  }

  @Override
  public long next() {
    if (next > limit && !adoptAhead()) {
      return -1;
    }
    long seq = next++;
    if (ahead == null && limit - seq < blockSize / 2) {
      reserveAhead();
    }
    return seq;
  }

  private void reserveAhead() {
    ahead = CompletableFuture.supplyAsync(() -> store.reserve(environmentId, blockSize), reserver);
  }

  private boolean adoptAhead() {
    if (ahead == null) {
      reserveAhead();
    }
    try {
      ChangeSequences.Reservation block =
          starved ? ahead.getNow(null) : ahead.get(STARVED_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (block == null) {
        return false;
      }
      ahead = null;
      starved = false;
      next = block.previous() + 1;
      limit = block.top();
      return true;
    } catch (TimeoutException e) {
      starved = true;
      log.warn("environment {}: no change seq reserved yet (database slow or away); changes are lost until one is,"
          + " and an OVERFLOW says so", environmentId);
      return false;
    } catch (ExecutionException e) {
      ahead = null; // the next change asks again
      starved = true;
      log.warn("environment {}: reserving change seqs failed: {}", environmentId, e.getCause().toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The top of this run's newest reservation, once the run has ended (after
   * {@link #awaitReservations}); empty while a reservation is still on its way, so that nothing is
   * given back that may not be this run's to give.
   */
  OptionalLong reservedTop() {
    CompletableFuture<ChangeSequences.Reservation> pending = ahead;
    if (pending == null) {
      return OptionalLong.of(limit);
    }
    if (!pending.isDone()) {
      return OptionalLong.empty();
    }
    ChangeSequences.Reservation block = pending.getNow(null);
    return block == null ? OptionalLong.empty() : OptionalLong.of(block.top());
  }

  /** Waits, at most {@code millis}, for a reservation on its way (an orderly stop gives back after it). */
  void awaitReservations(long millis) {
    CompletableFuture<ChangeSequences.Reservation> pending = ahead;
    if (pending == null) {
      return;
    }
    try {
      pending.get(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // nothing to wait for any more, or not within the bound: the stop goes on without it
    }
  }
}
