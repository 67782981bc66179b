package io.envkeeper.runtime.process;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live workers of one environment, by worker id: each one's current process (a worker waiting
 * to restart keeps its last one here, so a stop or a teardown still finds it). A worker leaves the
 * set once it ended for good; a restart replaces its entry.
 */
public final class WorkerSet {

  private final Map<UUID, WorkerHandle> workers = new ConcurrentHashMap<>();
  private volatile boolean everStarted;

  public void add(WorkerHandle worker) {
    everStarted = true;
    workers.put(worker.workerId(), worker);
    worker.settled().thenRun(() -> workers.remove(worker.workerId(), worker));
  }

  public Optional<WorkerHandle> get(UUID workerId) {
    return Optional.ofNullable(workers.get(workerId));
  }

  public Collection<WorkerHandle> all() {
    return List.copyOf(workers.values());
  }

  /** Workers of {@code profile} running or waiting to restart (a restart must find its place). */
  public long running(String profile) {
    return workers.values().stream().filter(w -> w.profile().equals(profile) && !w.isSettled()).count();
  }

  /** Workers running or waiting to restart. */
  public long running() {
    return workers.values().stream().filter(w -> !w.isSettled()).count();
  }

  /** Whether a worker was ever started here (only then can processes have come from it). */
  public boolean everStarted() {
    return everStarted;
  }
}
