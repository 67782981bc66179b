package io.envkeeper.runtime.watch;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What readers see of one watcher (state, retries, watched directories, error): written by the
 * watcher's executor as a whole after each change, read by anyone without waiting, so status,
 * health and metrics never wait for a walk. CLOSED is final: a late publish cannot undo a close.
 */
final class PublishedStatus {

  /** One consistent view; replaced, never changed. */
  record Snapshot(WatcherState state, int retries, int watchedDirectories, String error) {}

  private final AtomicReference<Snapshot> current =
      new AtomicReference<>(new Snapshot(WatcherState.RETRYING, 0, 0, null));

  Snapshot get() {
    return current.get();
  }

  void publish(WatcherState state, int retries, int watchedDirectories, String error) {
    Snapshot next = new Snapshot(state, retries, watchedDirectories, error);
    current.updateAndGet(now -> now.state() == WatcherState.CLOSED ? now : next);
  }

  void closed() {
    current.updateAndGet(now -> new Snapshot(WatcherState.CLOSED, now.retries(), now.watchedDirectories(), now.error()));
  }
}
