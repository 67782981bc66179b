package io.envkeeper.runtime.process;

import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.stereotype.Component;

/**
 * Records, while workers live, every process descending from them, by ancestry (parent pid chains
 * in {@code /proc}), so a descendant that leaves the worker's process group ({@code setsid}) or is
 * orphaned and re-parented to the service is still known, and killed with its environment. A
 * descendant born and detached between two scans is not seen (see docs/architecture-process.md).
 * Scans run from the context's start to its stop.
 */
@Component
class DescendantTracker extends PhasedLifecycle {

  private final Set<WorkerHandle> tracked = ConcurrentHashMap.newKeySet();
  private final WorkerProperties properties;
  private ScheduledExecutorService scheduler;

  DescendantTracker(WorkerProperties properties) {
    // Runs while workers may exist: started with the reaper, stopped after the workers' shutdown.
    super(ReaperLifecycle.PHASE);
    this.properties = properties;
  }

  @Override
  public synchronized void start() {
    scheduler = DaemonThreads.repeating("worker-descendants", properties.trackInterval(), this::scanQuietly);
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  /**
   * Follows the worker's descendants, unless it runs in a cgroup of its own: its cgroup holds every
   * process it starts however that leaves the group, and the stop kills the cgroup, so the recorded
   * descendants would never be read ({@link StopProtocol} reads them only without a cgroup), while
   * each scan reads all of {@code /proc}.
   */
  void track(WorkerHandle worker) {
    if (worker.cgroup() == null) {
      tracked.add(worker);
    }
  }

  /**
   * Records the current descendants of these workers right now (before a stop signals them); of
   * those without a cgroup only, for the reason {@link #track} gives.
   */
  void scanNow(Collection<WorkerHandle> workers) {
    List<WorkerHandle> uncontained = workers.stream().filter(worker -> worker.cgroup() == null).toList();
    if (!uncontained.isEmpty()) {
      record(uncontained, ProcStat.all());
    }
  }

  private void scanQuietly() {
    if (tracked.isEmpty()) {
      return;
    }
    try {
      record(tracked, ProcStat.all());
    } catch (RuntimeException e) {
      // /proc unreadable for a moment: the next scan tries again
    }
    // Keep following a worker after its exit while descendants it left behind still live.
    tracked.removeIf(worker -> worker.hasExited() && worker.descendants().stream().noneMatch(ProcessRef::isAlive));
  }

  private static void record(Collection<WorkerHandle> workers, List<ProcStat> processes) {
    Map<Integer, List<ProcStat>> childrenByParent = new HashMap<>();
    for (ProcStat process : processes) {
      childrenByParent.computeIfAbsent(process.ppid(), unused -> new ArrayList<>()).add(process);
    }
    for (WorkerHandle worker : workers) {
      Set<Integer> roots = new HashSet<>();
      if (!worker.hasExited()) {
        roots.add(worker.pid());
      }
      worker.descendants().stream().filter(ProcessRef::isAlive).forEach(d -> roots.add(d.pid()));
      worker.recordDescendants(descendantsOf(roots, childrenByParent));
    }
  }

  private static List<ProcessRef> descendantsOf(Set<Integer> roots, Map<Integer, List<ProcStat>> childrenByParent) {
    List<ProcessRef> found = new ArrayList<>();
    Deque<Integer> pending = new ArrayDeque<>(roots);
    Set<Integer> visited = new HashSet<>(roots);
    while (!pending.isEmpty()) {
      for (ProcStat child : childrenByParent.getOrDefault(pending.pop(), List.of())) {
        if (visited.add(child.pid()) && !child.isZombie()) {
          found.add(new ProcessRef(child.pid(), child.startTicks()));
          pending.push(child.pid());
        }
      }
    }
    return found;
  }
}
