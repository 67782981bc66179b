package io.envkeeper.runtime.watch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Opens watchers on the one shared watch loop and knows every open one (for health and metrics).
 * The RuntimeManager decides when a watcher may exist; this class only makes and counts them.
 * Counting reads each watcher's published snapshot: health and metrics never wait for a walk.
 */
@Component
public class WorkspaceWatchers implements DisposableBean {

  private final WatchProperties properties;
  private final IgnoreRules ignore;
  private final Clock clock;
  private final WatchStats stats;
  private final WatchLoop loop = new WatchLoop();
  /** The threads every workspace's serial executor takes its turns on. */
  private final ExecutorService pool;
  /** Only keeps time for retries; the retries themselves run on their workspace's executor. */
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(daemonThreads("workspace-watch-retry"));
  private final Set<WorkspaceWatcher> open = ConcurrentHashMap.newKeySet();

  WorkspaceWatchers(WatchProperties properties, Clock clock, MeterRegistry meters) {
    this.properties = properties;
    this.ignore = new IgnoreRules(properties.ignore());
    this.clock = clock;
    this.stats = new WatchStats(meters);
    this.pool = Executors.newFixedThreadPool(properties.threads(), daemonThreads("workspace-watch-worker"));
    for (WatcherState state : WatcherState.values()) {
      if (state != WatcherState.CLOSED) {
        Gauge.builder("envkeeper.watchers", this, watchers -> watchers.countByState().get(state))
            .description("Workspace watchers by state")
            .tag("state", state.name())
            .register(meters);
      }
    }
    Gauge.builder("envkeeper.watched.directories", this, WorkspaceWatchers::watchedDirectories)
        .description("Directories registered with the shared watch service")
        .register(meters);
  }

  /**
   * Opens and starts a watcher on {@code root}; it is counted until closed. Returns at once: the
   * caller waits for the first walk with {@link WorkspaceWatcher#awaitStarted()}, outside its locks.
   */
  public WorkspaceWatcher open(UUID environmentId, Path root) {
    SerialExecutor executor = new SerialExecutor(pool, "environment " + environmentId);
    WorkspaceWatcher watcher =
        new WorkspaceWatcher(environmentId, root, loop, ignore, properties, executor, scheduler, stats, clock);
    open.add(watcher);
    watcher.start();
    return watcher;
  }

  /** Closes a watcher and stops counting it. */
  public void close(WorkspaceWatcher watcher) {
    watcher.close();
    open.remove(watcher);
  }

  /** Open watchers per state (CLOSED ones are no longer counted). */
  public Map<WatcherState, Integer> countByState() {
    Map<WatcherState, Integer> counts = new EnumMap<>(WatcherState.class);
    for (WatcherState state : WatcherState.values()) {
      if (state != WatcherState.CLOSED) {
        counts.put(state, 0);
      }
    }
    open.forEach(watcher -> counts.merge(watcher.state(), 1, Integer::sum));
    counts.remove(WatcherState.CLOSED);
    return counts;
  }

  public int watchedDirectories() {
    return open.stream().mapToInt(WorkspaceWatcher::watchedDirectories).sum();
  }

  /** Keys held by the shared watch service (one per watched directory, all environments). */
  public int registeredKeys() {
    return loop.registeredKeys();
  }

  public boolean isLoopAlive() {
    return loop.isAlive();
  }

  long overflows() {
    return stats.overflows();
  }

  long rescans() {
    return stats.rescans();
  }

  @Override
  public void destroy() throws IOException {
    open.forEach(WorkspaceWatcher::close);
    open.clear();
    scheduler.shutdownNow();
    pool.shutdownNow();
    loop.close();
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
