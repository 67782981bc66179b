package io.envkeeper.runtime.watch;

import io.envkeeper.config.EnvkeeperProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Opens watchers on the one shared watch loop and knows every open one (for health and metrics).
 * The RuntimeManager decides when a watcher may exist; this class makes them (each with its change
 * sequence reserved in the database and the manifest the previous run left), counts them, has their
 * manifests written every {@code manifest-interval}, and ends their runs at a stop. Counting reads
 * each watcher's published snapshot: health and metrics never wait for a walk.
 */
@Component
public class WorkspaceWatchers implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkspaceWatchers.class);

  private final WatchProperties properties;
  private final ChangeSequences sequences;
  private final ManifestFiles manifests;
  private final Clock clock;
  private final WatchStats stats;
  private final WatchLoop loop = new WatchLoop();
  /** The threads every workspace's serial executor takes its turns on. */
  private final ExecutorService pool;
  /** Only keeps time for retries, polls and manifest writes; the work runs on each workspace's executor. */
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(daemonThreads("workspace-watch-timer"));
  /** Writes manifest files, in order, so that no workspace's executor waits for the disk. */
  private final ExecutorService manifestWriter =
      Executors.newSingleThreadExecutor(daemonThreads("workspace-manifest-writer"));
  /** Reserves the next blocks of change seqs, so that no workspace's executor waits for the database. */
  private final ExecutorService reserver = Executors.newSingleThreadExecutor(daemonThreads("change-seq-reserver"));
  private final WatchShared shared;
  private final Set<WorkspaceWatcher> open = ConcurrentHashMap.newKeySet();

  WorkspaceWatchers(
      WatchProperties properties, ChangeSequences sequences, EnvkeeperProperties service, Clock clock,
      MeterRegistry meters) {
    this.properties = properties;
    this.sequences = sequences;
    this.manifests = new ManifestFiles(service.dataDir().toAbsolutePath().resolve("manifests"));
    this.clock = clock;
    this.stats = new WatchStats(meters);
    this.pool = Executors.newFixedThreadPool(properties.threads(), daemonThreads("workspace-watch-worker"));
    this.shared = new WatchShared(
        loop, new IgnoreRules(properties.ignore()), properties, scheduler, stats, clock, manifestWriter);
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
    long every = properties.manifestInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> open.forEach(WorkspaceWatcher::saveManifest), every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens and starts a watcher on {@code root}; it is counted until closed. Reserves the first block
   * of the environment's change seqs (a database round trip) and reads the manifest its previous run
   * left, which together say where its change log starts ({@link FeedStart}). Returns once that is
   * settled: the caller waits for the first walk with {@link WorkspaceWatcher#awaitStarted()},
   * outside its locks.
   */
  public WorkspaceWatcher open(UUID environmentId, Path root) {
    ManifestFormat.Decoded previous = manifests.load(environmentId);
    ChangeSequence sequence = ChangeSequence.reserve(environmentId, sequences, reserver, properties.sequenceBlock());
    FeedStart start = FeedStart.of(sequence, previous == null ? null : previous.header());
    boolean diff = previous != null && !start.fresh();
    Manifest manifest = diff ? previous.manifest() : new Manifest();
    ChangeLog changes =
        new ChangeLog(properties.bufferSize(), properties.coalesceWindow(), sequence, start, clock.instant());
    ManifestKeeper keeper =
        new ManifestKeeper(environmentId, manifest, manifests, manifestWriter, clock, diff, start.startSeq());
    SerialExecutor executor = new SerialExecutor(pool, "environment " + environmentId);
    WorkspaceWatcher watcher = new WorkspaceWatcher(environmentId, root, shared, executor, changes, sequence, keeper, diff);
    describe(environmentId, start, previous);
    open.add(watcher);
    watcher.start();
    return watcher;
  }

  private static void describe(UUID environmentId, FeedStart start, ManifestFormat.Decoded previous) {
    if (start.fresh()) {
      log.info("environment {}: change feed starts at seq 0", environmentId);
    } else if (start.exactResume() == start.startSeq()) {
      log.info("environment {}: change feed resumes at seq {} after an orderly stop; diffing {} entries of the manifest",
          environmentId, start.startSeq(), previous.entries());
    } else if (previous != null) {
      log.warn("environment {}: change feed resumes at seq {} after a crash: a cursor other than {} (the manifest's,"
          + " {} entries) gets an OVERFLOW first", environmentId, start.startSeq(), start.exactResume(), previous.entries());
    } else {
      log.warn("environment {}: change feed resumes at seq {} without a manifest: every earlier cursor gets an OVERFLOW",
          environmentId, start.startSeq());
    }
  }

  /** Closes a watcher for good (its environment is destroyed) and stops counting it. */
  public void close(WorkspaceWatcher watcher) {
    watcher.close();
    open.remove(watcher);
  }

  /**
   * Ends the run of every open watcher (the service stops): each writes its manifest, marked clean,
   * as of its last seq, and what was reserved above that seq is given back, so that the next run
   * continues the sequence exactly. Bounded by {@code close-wait} overall; a watcher that does not
   * finish in time is left as after a crash (its next run reports an OVERFLOW to cursors it cannot
   * vouch for).
   */
  public void suspendAll() {
    suspend(List.copyOf(open));
  }

  /**
   * Ends the runs of these watchers as {@link #suspendAll()} does; a watcher opened afterwards for
   * the same environment (a rebuild) continues its sequence exactly.
   */
  void suspend(List<WorkspaceWatcher> watchers) {
    if (watchers.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + properties.closeWait().toNanos();
    Map<WorkspaceWatcher, CompletableFuture<OptionalLong>> ends = new HashMap<>();
    watchers.forEach(watcher -> ends.put(watcher, watcher.suspend()));
    Map<UUID, ChangeSequences.Release> releases = new HashMap<>();
    ends.forEach((watcher, end) -> {
      OptionalLong seq = awaitUntil(end, deadline);
      open.remove(watcher);
      if (seq.isPresent()) {
        ChangeSequence sequence = watcher.sequence();
        sequence.awaitReservations(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        OptionalLong top = sequence.reservedTop();
        if (top.isPresent()) {
          releases.put(watcher.environmentId(), new ChangeSequences.Release(seq.getAsLong(), top.getAsLong()));
        }
      }
    });
    try {
      Set<UUID> released = sequences.release(releases);
      log.info("stop: {} of {} watchers ended cleanly (manifest written, change seqs given back)",
          released.size(), watchers.size());
    } catch (RuntimeException e) {
      log.warn("stop: change seqs not given back ({}); the next start counts as after a crash", e.toString());
    }
  }

  private static OptionalLong awaitUntil(CompletableFuture<OptionalLong> end, long deadline) {
    try {
      return end.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // not in time: as after a crash
    }
    return OptionalLong.empty();
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

  /**
   * Why each POLLING workspace is polled (environment id → reason), at most {@code limit} of them,
   * in id order so that the answer is stable.
   */
  public Map<String, String> pollingReasons(int limit) {
    Map<String, String> reasons = new TreeMap<>();
    for (WorkspaceWatcher watcher : open) {
      PublishedStatus.Snapshot now = watcher.snapshot();
      if (now.state() == WatcherState.POLLING) {
        reasons.put(watcher.environmentId().toString(), now.error());
      }
    }
    return reasons.entrySet().stream().limit(limit)
        .collect(Collectors.toMap(
            Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
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

  /** Overflows, rescans and polls of every watcher of this service. */
  WatchStats stats() {
    return stats;
  }

  @Override
  public void destroy() throws IOException {
    suspendAll(); // normally done already by the lifecycle's stop; a no-op then
    scheduler.shutdownNow();
    pool.shutdownNow();
    reserver.shutdownNow();
    manifestWriter.shutdown();
    try {
      manifestWriter.awaitTermination(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
