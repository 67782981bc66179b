package io.envkeeper.runtime.process;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The live workers of one environment (a worker leaves the set once it is reaped). */
public final class WorkerSet {

  private final Map<UUID, WorkerHandle> workers = new ConcurrentHashMap<>();
  private volatile boolean everStarted;

  public void add(WorkerHandle worker) {
    everStarted = true;
    workers.put(worker.workerId(), worker);
    worker.exit().thenRun(() -> workers.remove(worker.workerId(), worker));
  }

  public Optional<WorkerHandle> get(UUID workerId) {
    return Optional.ofNullable(workers.get(workerId));
  }

  public Collection<WorkerHandle> all() {
    return List.copyOf(workers.values());
  }

  public long running(String profile) {
    return workers.values().stream().filter(w -> w.profile().equals(profile) && !w.hasExited()).count();
  }

  public long running() {
    return workers.values().stream().filter(w -> !w.hasExited()).count();
  }

  /** Whether a worker was ever started here (only then can processes have come from it). */
  public boolean everStarted() {
    return everStarted;
  }
}
