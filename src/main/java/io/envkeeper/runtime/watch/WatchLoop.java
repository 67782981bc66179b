package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WatchService every environment shares, and the thread that drains it. Linux allows 128
 * inotify instances per user by default; one instance per environment would fail past ~128
 * environments, while one shared instance scales to the {@code max_user_watches} limit.
 */
final class WatchLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WatchLoop.class);
  private static final long POLL_MILLIS = 500;
  /** A key can signal before its registration is recorded; wait this long for the record. */
  private static final long REGISTRATION_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Who owns a key, and which directory it watches. */
  record Registration(WorkspaceWatcher owner, Path directory) {}

  private final WatchService watchService;
  private final Map<WatchKey, Registration> registrations = new ConcurrentHashMap<>();
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

  /** Registers {@code directory} for its owner. Throws what inotify says (ENOSPC, EACCES, ...). */
  WatchKey register(Path directory, WorkspaceWatcher owner) throws IOException {
    WatchKey key =
        directory.register(
            watchService,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
    registrations.put(key, new Registration(owner, directory));
    return key;
  }

  /** Cancels a key (removes its inotify watch). Safe on a key already invalid. */
  void cancel(WatchKey key) {
    registrations.remove(key);
    key.cancel();
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  int registeredKeys() {
    return registrations.size();
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
    Registration registration = awaitRegistration(key);
    List<WatchEvent<?>> events = key.pollEvents();
    boolean valid = key.reset();
    if (registration == null) {
      return; // cancelled while its events were in flight
    }
    try {
      registration.owner().onEvents(registration.directory(), events);
      if (!valid) {
        registrations.remove(key);
        registration.owner().onKeyInvalid(registration.directory(), key);
      }
    } catch (RuntimeException e) {
      // One environment's failure must never stop the loop every environment depends on.
      log.error("environment {}: watch events of {} not handled",
          registration.owner().environmentId(), registration.directory(), e);
    }
  }

  private Registration awaitRegistration(WatchKey key) {
    long deadline = System.nanoTime() + REGISTRATION_GRACE_NANOS;
    Registration registration;
    while ((registration = registrations.get(key)) == null && key.isValid() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return registration;
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
