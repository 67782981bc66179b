package io.envkeeper.runtime.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bounded, sequenced change history of one environment. When full, the oldest change is
 * dropped; a reader that asks for changes older than the oldest kept one gets an {@code OVERFLOW}
 * marker first (carrying the seq of the last dropped change), so a loss is never silent.
 *
 * <p>Coalescing: a change with the same path and kind as one appended within the coalescing window
 * is dropped (an editor's burst of writes becomes one MODIFY). It never delays a change.
 */
public final class ChangeLog {

  /** How far back coalescing looks; a burst on one path is always at the tail. */
  private static final int COALESCE_LOOKBACK = 16;

  private final int capacity;
  private final Duration coalesceWindow;
  private final ArrayDeque<WorkspaceChange> changes = new ArrayDeque<>();
  private final List<ChangeSubscriber> subscribers = new CopyOnWriteArrayList<>();
  private long lastSeq;
  private Instant lastChangeAt;
  private boolean closed;

  ChangeLog(int capacity, Duration coalesceWindow) {
    this.capacity = capacity;
    this.coalesceWindow = coalesceWindow;
  }

  /** Appends a change unless it coalesces with a recent one; tells subscribers either way it is new. */
  void append(ChangeKind kind, String path, Instant at) {
    synchronized (this) {
      if (closed || coalesces(kind, path, at)) {
        return;
      }
      changes.addLast(new WorkspaceChange(++lastSeq, kind, path, at));
      lastChangeAt = at;
      if (changes.size() > capacity) {
        changes.removeFirst();
      }
    }
    subscribers.forEach(ChangeSubscriber::changesAvailable);
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

  /** The changes after {@code seq}, oldest first, with an OVERFLOW marker if some were dropped. */
  public synchronized List<WorkspaceChange> since(long seq) {
    List<WorkspaceChange> result = new ArrayList<>();
    long firstKept = changes.isEmpty() ? lastSeq + 1 : changes.peekFirst().seq();
    if (seq < firstKept - 1) {
      WorkspaceChange oldest = changes.peekFirst();
      result.add(new WorkspaceChange(firstKept - 1, ChangeKind.OVERFLOW, "",
          oldest == null ? lastChangeAt : oldest.at()));
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

  public synchronized long lastSeq() {
    return lastSeq;
  }

  public synchronized Instant lastChangeAt() {
    return lastChangeAt;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Follows the log. Returns false (and registers nothing) when it is already closed, so a stream
   * opened during a destroy ends at once instead of waiting for a close that already happened.
   */
  public boolean subscribe(ChangeSubscriber subscriber) {
    synchronized (this) {
      if (closed) {
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

  /** Ends the log: subscribers are told once and dropped. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (ChangeSubscriber subscriber : subscribers) {
      subscriber.closed();
    }
    subscribers.clear();
  }
}
