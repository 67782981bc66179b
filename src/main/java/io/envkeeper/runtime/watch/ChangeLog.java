package io.envkeeper.runtime.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bounded, sequenced change history of one environment in this run of the service. When full,
 * the oldest change is dropped. A reader whose cursor lies before what the log can answer for (a
 * dropped change, or a run before this one it cannot vouch for) gets an {@code OVERFLOW} marker
 * first, carrying the seq from which the log is complete, so a loss is never silent.
 *
 * <p>Seqs come from a {@link SeqSource} (durable across restarts); a run starts at {@link FeedStart}.
 * A cursor equal to {@link FeedStart#exactResume()} (the seq of the manifest the start-up diff ran
 * against) is answered without a marker: what changed after it is exactly what this run reported.
 *
 * <p>Coalescing: a change with the same path and kind as one appended within the coalescing window
 * is dropped (an editor's burst of writes becomes one MODIFY). It never delays a change.
 *
 * <p>One appender (the watcher's serial executor); any number of readers.
 */
public final class ChangeLog {

  /** Where seqs come from. */
  interface SeqSource {
    /** The next seq, strictly above every earlier one; -1 when none can be had right now. */
    long next();
  }

  /** How far back coalescing looks; a burst on one path is always at the tail. */
  private static final int COALESCE_LOOKBACK = 16;

  private final int capacity;
  private final Duration coalesceWindow;
  private final SeqSource seqs;
  private final FeedStart start;
  private final Instant startedAt;
  private final ArrayDeque<WorkspaceChange> changes = new ArrayDeque<>();
  private final List<ChangeSubscriber> subscribers = new CopyOnWriteArrayList<>();
  private long lastSeq;
  /** Cursors below this get an OVERFLOW marker (unless equal to the exact resume point). */
  private long floor;
  private Instant lastChangeAt;
  /** A change could not be given a seq: an OVERFLOW goes first once one can. Appender only. */
  private boolean lost;
  private boolean sealed;
  private boolean closed;

  /** A log of a brand-new environment, numbered from 1 in memory (tests). */
  ChangeLog(int capacity, Duration coalesceWindow) {
    this(capacity, coalesceWindow, new Counter(), FeedStart.FRESH, Instant.EPOCH);
  }

  ChangeLog(int capacity, Duration coalesceWindow, SeqSource seqs, FeedStart start, Instant startedAt) {
    this.capacity = capacity;
    this.coalesceWindow = coalesceWindow;
    this.seqs = seqs;
    this.start = start;
    this.startedAt = startedAt;
    this.lastSeq = start.startSeq();
    this.floor = start.startSeq();
  }

  /**
   * Appends a change unless it coalesces with a recent one; tells subscribers it is there. Without
   * a seq to give it (the sequence's store is away) the change is lost, and an OVERFLOW is appended
   * before the next change that gets one.
   */
  void append(ChangeKind kind, String path, Instant at) {
    synchronized (this) {
      if (closed || sealed || coalesces(kind, path, at)) {
        return;
      }
    }
    if (lost) {
      long marker = seqs.next();
      if (marker < 0) {
        return;
      }
      add(new WorkspaceChange(marker, ChangeKind.OVERFLOW, "", at));
      lost = false;
    }
    long seq = seqs.next();
    if (seq < 0) {
      lost = true;
      return;
    }
    add(new WorkspaceChange(seq, kind, path, at));
    subscribers.forEach(ChangeSubscriber::changesAvailable);
  }

  private synchronized void add(WorkspaceChange change) {
    if (closed) {
      return;
    }
    changes.addLast(change);
    lastSeq = change.seq();
    lastChangeAt = change.at();
    if (changes.size() > capacity) {
      floor = changes.removeFirst().seq();
    }
  }

  private boolean coalesces(ChangeKind kind, String path, Instant at) {
    if (coalesceWindow.isZero() || kind == ChangeKind.OVERFLOW) {
      return false;
    }
    Instant windowStart = at.minus(coalesceWindow);
    Iterator<WorkspaceChange> newestFirst = changes.descendingIterator();
    for (int i = 0; i < COALESCE_LOOKBACK && newestFirst.hasNext(); i++) {
      WorkspaceChange recent = newestFirst.next();
      if (recent.at().isBefore(windowStart)) {
        return false;
      }
      if (recent.kind() == kind && recent.path().equals(path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The changes after {@code seq}, oldest first, led by an OVERFLOW marker when the log cannot
   * answer for everything after it. A {@code seq} above {@link #lastSeq()} is the caller's to refuse.
   */
  public synchronized List<WorkspaceChange> since(long seq) {
    List<WorkspaceChange> result = new ArrayList<>();
    boolean exact = seq == start.exactResume() && floor == start.startSeq();
    if (seq < floor && !exact) {
      WorkspaceChange oldest = changes.peekFirst();
      result.add(new WorkspaceChange(floor, ChangeKind.OVERFLOW, "", oldest != null ? oldest.at() : startedAt));
    }
    for (WorkspaceChange change : changes) {
      if (change.seq() > seq) {
        result.add(change);
      }
    }
    return result;
  }

  /** The newest seq, when it was made, and the changes after {@code seq}, read together. */
  public record View(long lastSeq, Instant lastChangeAt, List<WorkspaceChange> changes) {}

  /** {@link #since}, {@link #lastSeq} and {@link #lastChangeAt} as of one instant. */
  public synchronized View view(long seq) {
    return new View(lastSeq, lastChangeAt, since(seq));
  }

  /** The newest seq handed out (the run's start seq before its first change); never goes back. */
  public synchronized long lastSeq() {
    return lastSeq;
  }

  public synchronized Instant lastChangeAt() {
    return lastChangeAt;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Whether a change was lost for want of a seq and its OVERFLOW is not in the log yet. Appender only. */
  boolean hasUnrecordedLoss() {
    return lost;
  }

  /**
   * Follows the log. Returns false (and registers nothing) when it is already closed or sealed, so
   * a stream opened during a destroy ends at once instead of waiting for a close that already happened.
   */
  public boolean subscribe(ChangeSubscriber subscriber) {
    synchronized (this) {
      if (closed || sealed) {
        return false;
      }
      subscribers.add(subscriber);
      return true;
    }
  }

  public void unsubscribe(ChangeSubscriber subscriber) {
    subscribers.remove(subscriber);
  }

  int subscriberCount() {
    return subscribers.size();
  }

  /** Ends the log for good (its environment is being destroyed): subscribers are told once and dropped. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    subscribers.forEach(ChangeSubscriber::closed);
    subscribers.clear();
  }

  /**
   * Ends this run's log without ending the environment (the service stops, or the watcher is
   * rebuilt): nothing more is appended; subscribers are told to reconnect and dropped. Appender only.
   */
  void seal() {
    synchronized (this) {
      if (closed || sealed) {
        return;
      }
      sealed = true;
    }
    subscribers.forEach(ChangeSubscriber::sealed);
    subscribers.clear();
  }

  /** Seqs from 1, in memory only. */
  private static final class Counter implements SeqSource {
    private long last;

    @Override
    public long next() {
      return ++last;
    }
  }
}
