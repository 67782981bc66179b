package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Worker processes left behind by an earlier run of the service on this host (crash recovery): what
 * became of one ({@link #inspect}), stopping it ({@link #stop}), and finding ones no record names
 * ({@link #carrying}). They are not our children: nothing is waited for with waitpid, and a recorded
 * pid is only ever signalled while its start time (and the boot) still match the record.
 */
@Component
public class LeftoverWorkers {

  /** A worker process as an earlier run recorded it. */
  public record Recorded(int pid, int pgid, long startTicks, String bootId) {}

  /** What is found of a recorded process now. */
  public enum State {
    /** The host rebooted since: the record says nothing about any process of this boot. */
    ANOTHER_BOOT,
    /** No process with this pid and start time. */
    GONE,
    /** It ended and waits to be collected by its parent (a zombie): its exit status is not ours. */
    ENDED,
    /** It still runs. */
    RUNNING
  }

  /** A live process carrying a worker's identity variables, as they were at its start. */
  public record Tagged(Recorded process, Instant startedAt, Map<String, String> variables) {}

  private final OrphanedWorkerStopper stopper;
  private final WorkerProperties properties;
  private final String bootId = ProcStat.bootId();
  /** Stops under way, by process: a second caller joins the first instead of signalling again. */
  private final Map<ProcessRef, CompletableFuture<Boolean>> stopsInFlight = new ConcurrentHashMap<>();

  LeftoverWorkers(ScopedReaper reaper, WorkerProperties properties) {
    this.stopper = new OrphanedWorkerStopper(reaper.natives(), properties.exitPollInterval());
    this.properties = properties;
  }

  public State inspect(Recorded recorded) {
    if (!bootId.equals(recorded.bootId())) {
      return State.ANOTHER_BOOT;
    }
    Optional<ProcStat> stat = ProcStat.of(recorded.pid());
    if (stat.isEmpty() || stat.get().startTicks() != recorded.startTicks()) {
      return State.GONE;
    }
    return stat.get().isZombie() ? State.ENDED : State.RUNNING;
  }

  /**
   * Stops it with the bounds of {@code profile} (or the configured defaults when that profile is
   * unknown, null, or no longer configured): SIGTERM to its group, the grace, SIGKILL, the kill timeout. A stop of the same process
   * already under way is joined, never repeated beside it.
   *
   * @return whether the process is gone afterwards
   */
  public boolean stop(Recorded recorded, String profile) {
    StopTimeouts bounds = properties.stopTimeoutsOf(profile);
    ProcessRef process = new ProcessRef(recorded.pid(), recorded.startTicks());
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> running = stopsInFlight.putIfAbsent(process, mine);
    if (running != null) {
      Duration bound = bounds.stopGrace().plus(bounds.killTimeout()).plus(bounds.killTimeout());
      return Await.completion(running, bound) && running.getNow(false);
    }
    try {
      boolean gone = stopper.stop(process, recorded.pgid(), bounds.stopGrace(), bounds.killTimeout());
      mine.complete(gone);
      return gone;
    } finally {
      mine.complete(false); // a stop that threw: a joiner must not wait for nothing
      stopsInFlight.remove(process, mine);
    }
  }

  /** Every live process whose environment has {@code variable}. */
  public List<Tagged> carrying(String variable) {
    return TaggedProcesses.carrying(variable).stream()
        .map(t -> new Tagged(
            new Recorded(t.process().pid(), t.pgid(), t.process().startTicks(), bootId), t.startedAt(), t.variables()))
        .toList();
  }

  /** This boot's id, as recorded with every worker. */
  public String bootId() {
    return bootId;
  }
}
