package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WatchService every environment shares, and the thread that drains it. Linux allows 128
 * inotify instances per user by default; one instance per environment would fail past ~128
 * environments, while one shared instance scales to the {@code max_user_watches} limit.
 *
 * <p>The thread only dispatches: it hands each signalled key to the watcher that owns it, which
 * reads and handles the key's events on its own serial executor. It never touches the file system
 * and never waits for a watcher, so one workspace's storm cannot hold up another's events.
 */
final class WatchLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WatchLoop.class);
  private static final long POLL_MILLIS = 500;

  private final WatchService watchService;
  private final Map<WatchKey, WorkspaceWatcher> owners = new ConcurrentHashMap<>();
  /**
   * Keys that signalled before {@link #register} recorded their owner (the kernel can report a
   * change in the instant between the two); {@code register} hands them over.
   */
  private final Set<WatchKey> signalledEarly = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;

  WatchLoop() {
    try {
      this.watchService = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the shared watch service", e);
    }
    this.thread = new Thread(this::run, "workspace-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Registers {@code directory} for its owner. Throws what inotify says (ENOSPC, EACCES, ...). The
   * same directory (inode) registered again, under another path after a move, yields the same key.
   */
  WatchKey register(Path directory, WorkspaceWatcher owner) throws IOException {
    WatchKey key =
        directory.register(
            watchService,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
    owners.put(key, owner);
    if (signalledEarly.remove(key)) {
      owner.signalled(key);
    }
    return key;
  }

  /**
   * Cancels a key (removes its inotify watch) if {@code owner} still owns it. A directory moved
   * into another workspace keeps its inode, so the other workspace's registration yields the same
   * key: the workspace it left must then not cancel it. Safe on a key already invalid.
   */
  void cancel(WatchKey key, WorkspaceWatcher owner) {
    if (!owners.remove(key, owner)) {
      return;
    }
    key.cancel();
    // After the cancel: a loop that parked the key meanwhile finds it invalid, or finds it gone here.
    signalledEarly.remove(key);
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  int registeredKeys() {
    return owners.size();
  }

  private void run() {
    while (running) {
      WatchKey key;
      try {
        key = watchService.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ClosedWatchServiceException e) {
        return;
      }
      if (key != null) {
        dispatch(key);
      }
    }
  }

  private void dispatch(WatchKey key) {
    try {
      WorkspaceWatcher owner = owners.get(key);
      if (owner == null) {
        owner = parkUntilRegistered(key);
      }
      if (owner != null) {
        owner.signalled(key);
      }
    } catch (RuntimeException e) {
      // One environment's failure must never stop the loop every environment depends on.
      log.error("watch events of {} not dispatched", key.watchable(), e);
    }
  }

  /**
   * A key without an owner is either cancelled (its events are dropped) or not yet recorded by
   * {@link #register}: then whichever of the two sees the other's step hands it over, exactly once.
   */
  private WorkspaceWatcher parkUntilRegistered(WatchKey key) {
    if (!key.isValid()) {
      return null;
    }
    signalledEarly.add(key);
    WorkspaceWatcher owner = owners.get(key);
    if (owner != null && signalledEarly.remove(key)) {
      return owner;
    }
    if (!key.isValid()) {
      signalledEarly.remove(key); // cancelled meanwhile
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    running = false;
    watchService.close();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
