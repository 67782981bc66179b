package io.envkeeper.expiry;

import io.envkeeper.environment.Environment;
import io.envkeeper.runtime.EnvironmentRuntime;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.process.WorkerHandle;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Activity of the environments this node owns, in memory only: a request or a keepalive is a
 * field write, never a database write (the {@link ActivityFlusher} persists it in batches).
 * Activity is what API.md names: calls under {@code /environments/{id}/…} (except
 * {@code …/activity}), open event or log streams, file changes in the workspace (read from its
 * watcher) and workers that have not ended (read from its runtime; a worker's end is activity).
 */
@Component
public class ActivityTracker {

  /** A call under the environment is being served. */
  public static final String REQUEST = "request";
  /** An {@code /events} stream is open. */
  public static final String STREAM = "stream";
  /** Prefix of a worker that has not ended: {@code worker:<id>}. */
  static final String WORKER = "worker:";

  private final Map<UUID, Activity> activities = new ConcurrentHashMap<>();
  private final RuntimeManager runtimes;
  private final NodeClock nodeClock;
  private final ExpiryWarnings warnings;
  private final Clock clock;

  ActivityTracker(RuntimeManager runtimes, NodeClock nodeClock, ExpiryWarnings warnings, Clock clock) {
    this.runtimes = runtimes;
    this.nodeClock = nodeClock;
    this.warnings = warnings;
    this.clock = clock;
  }

  /** Something happened in the environment now (a finished call, a keepalive). */
  public void touch(UUID environmentId) {
    activity(environmentId).touch(now());
    warnings.activity(environmentId);
  }

  /**
   * Something keeps the environment alive from now until the returned hold is closed.
   *
   * @param holder what it is, as {@code GET …/activity} names it in {@code keptAliveBy}
   *     ({@link #REQUEST}, {@link #STREAM}, or {@code kind:<id>})
   */
  public ActivityHold hold(UUID environmentId, String holder) {
    Activity activity = activity(environmentId);
    activity.hold(holder, now());
    warnings.activity(environmentId);
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        activity.release(holder, now());
      }
    };
  }

  /**
   * The environment's activity now. The first look in this process merges in the persisted
   * {@code lastActivityAt}, with the idle clock paused for the time the node was down.
   */
  ActivitySnapshot snapshot(Environment environment) {
    UUID id = environment.getId();
    Activity activity = activity(id);
    if (!activity.isSeeded()) {
      Instant persisted =
          environment.getLastActivityAt() != null ? environment.getLastActivityAt() : environment.getCreatedAt();
      activity.seed(persisted, nodeClock.idleClockStart(persisted));
    }
    List<String> keptAliveBy = activity.holders();
    Instant lastFileChange = null;
    Optional<EnvironmentRuntime> runtime = runtimes.find(id);
    if (runtime.isPresent()) {
      keptAliveBy.addAll(runningWorkers(activity, runtime.get()));
      lastFileChange = runtime.get().watcher().changes().lastChangeAt();
    }
    if (!keptAliveBy.isEmpty()) {
      activity.touch(now());
    }
    return activity.snapshot(keptAliveBy, lastFileChange);
  }

  /** Holds and running workers are activity for as long as they last: recorded as of now. */
  void observe() {
    Instant now = now();
    for (UUID id : runtimes.liveIds()) {
      Activity activity = activity(id);
      runtimes.find(id).ifPresent(runtime -> {
        if (!runningWorkers(activity, runtime).isEmpty()) {
          activity.touch(now);
        }
      });
    }
    activities.values().forEach(activity -> {
      if (activity.isHeld()) {
        activity.touch(now);
      }
    });
  }

  /** Activity newer than what the database holds, by environment. */
  Map<UUID, Instant> unpersisted() {
    Map<UUID, Instant> pending = new HashMap<>();
    activities.forEach((id, activity) -> {
      Instant lastFileChange =
          runtimes.find(id).map(runtime -> runtime.watcher().changes().lastChangeAt()).orElse(null);
      Instant value = activity.unpersisted(lastFileChange);
      if (value != null) {
        pending.put(id, value);
      }
    });
    return pending;
  }

  /** The database now holds these values. */
  void persisted(Map<UUID, Instant> written) {
    written.forEach((id, value) -> {
      Activity activity = activities.get(id);
      if (activity != null) {
        activity.persisted(value);
      }
    });
  }

  /**
   * Forgets environments that are no longer READY on this node, as a pass listed at
   * {@code listedAt} saw them (activity recorded since the listing is kept: it may belong to an
   * environment created after it).
   */
  void retainOnly(Set<UUID> ready, Instant listedAt) {
    activities.entrySet().removeIf(entry ->
        !ready.contains(entry.getKey()) && entry.getValue().createdAt().isBefore(listedAt));
  }

  void forget(UUID environmentId) {
    activities.remove(environmentId);
  }

  int tracked() {
    return activities.size();
  }

  /**
   * {@code worker:<id>} of each worker that has not ended for good (running, stopping, or waiting to
   * restart: a worker in BACKOFF keeps its last, exited process in the set and counts as a running
   * one does); the end of each process is followed.
   */
  private List<String> runningWorkers(Activity activity, EnvironmentRuntime runtime) {
    List<String> running = new ArrayList<>();
    runtime.workers().all().stream()
        .filter(worker -> !worker.isSettled())
        .sorted(Comparator.comparing(WorkerHandle::startedAt))
        .forEach(worker -> {
          running.add(WORKER + worker.workerId());
          follow(activity, worker);
        });
    return running;
  }

  private void follow(Activity activity, WorkerHandle worker) {
    if (activity.follow(worker.workerId())) {
      worker.exit().whenComplete((status, failure) -> {
        activity.unfollow(worker.workerId());
        activity.touch(now());
      });
    }
  }

  private Activity activity(UUID environmentId) {
    return activities.computeIfAbsent(environmentId, id -> new Activity(now()));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
