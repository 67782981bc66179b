package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Spawns workers (no shell, no ProcessBuilder): in their verified workspace ({@link
 * WorkspaceDirectory}), in a process group of their own, in a cgroup of their own under cgroup
 * containment and with their profile's rlimits (both in place before the program runs: {@link
 * GatedSpawn}), with exactly three descriptors: stdin from a pipe only the service writes to
 * (control channel and keepalive), stdout and stderr into one pipe the reaper's loop reads (the ack
 * and ready lines, the capped log). Every other descriptor is closed in the child, so no JDBC
 * socket, inotify instance or log file of the service leaks.
 */
@Component
class WorkerLauncher {

  private static final Logger log = LoggerFactory.getLogger(WorkerLauncher.class);

  private final ScopedReaper reaper;
  private final NativeProcesses natives;
  private final WorkerContainment containment;
  private final WorkerProperties properties;
  private final Clock clock;
  private final LiveWorkerLogs liveLogs;
  private final Timer spawns;
  private final String bootId = ProcStat.bootId();

  WorkerLauncher(ScopedReaper reaper, WorkerContainment containment, WorkerProperties properties, Clock clock,
      MeterRegistry meters, LiveWorkerLogs liveLogs) {
    this.reaper = reaper;
    this.natives = reaper.natives();
    this.containment = containment;
    this.properties = properties;
    this.clock = clock;
    this.liveLogs = liveLogs;
    this.spawns = Timer.builder("envkeeper.workers.spawn")
        .description("Time to start a worker's process (cgroup, placement and spawn), by containment")
        .tag("containment", containment.usesCgroups() ? "cgroup" : "process-group")
        .publishPercentiles(0.5, 0.99)
        .register(meters);
  }

  /**
   * Starts a process of the worker ({@code restarts}: how many came before it; a restart appends to
   * the log); it is registered with the reaper, and its output read, before this returns.
   */
  WorkerHandle launch(WorkerSpec spec, int restarts) {
    long began = System.nanoTime();
    WorkerProperties.Profile.Supervision supervision = properties.supervisionOf(spec.profile());
    int directory = WorkspaceDirectory.open(natives, spec.workingDirectory());
    Descriptors fds = new Descriptors();
    try {
      fds.cgroup = containment.create(spec.workerId(), supervision.limits());
      fds.stdin = natives.pipe(false, true);
      fds.output = natives.pipe(true, false);
      WorkerLog[] opened = new WorkerLog[1];
      fds.log = opened[0] = new WorkerLog(
          spec.logFile(), spec.logMaxBytes(), restarts > 0, () -> liveLogs.closed(spec.workerId(), opened[0]));
      liveLogs.opened(spec.workerId(), fds.log);
      fds.child = reaper.spawn(new ChildSpec(
          spec.command(), environment(spec.environment()), fds.stdin[0], fds.output[1], fds.output[1], directory, true,
          containment.placement(fds.cgroup, supervision.rlimits()), null));
      Child child = fds.child;
      fds.closeChildEnds(); // only the child may hold them now
      WorkerHandle handle = new WorkerHandle(spec, child, reaper, bootId, clock.instant(), fds.stdin[1], fds.log,
          new WorkerHandle.Incarnation(restarts, fds.cgroup, supervision.readyLine()));
      if (!reaper.pump(fds.output[0], handle.output(), child)) {
        // Nobody would read its output: it must not run. The reaper collects it.
        handle.closeStdin();
        handle.signalGroup(jnr.constants.platform.Signal.SIGKILL.intValue());
        fds.stdin[1] = -1; // closed with stdin
        throw new SpawnFailedException("cannot watch the output of " + spec.command().get(0) + "; the worker was killed");
      }
      fds.handedOver = true;
      spawns.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
      log.info("environment {}: worker {} ({}) started, pid {}{}", spec.environmentId(), spec.workerId(), spec.profile(),
          handle.pid(), restarts > 0 ? " (restart " + restarts + ")" : "");
      return handle;
    } finally {
      natives.closeAll(directory);
      if (!fds.handedOver) {
        fds.closeAll();
      }
    }
  }

  private static List<String> environment(Map<String, String> variables) {
    List<String> entries = new ArrayList<>();
    variables.forEach((name, value) -> entries.add(name + "=" + value));
    return entries;
  }

  /** What a launch opened, closed in one place if it fails half-way. */
  private final class Descriptors {
    int[] stdin;
    int[] output;
    WorkerLog log;
    WorkerCgroup cgroup;
    Child child;
    boolean handedOver;

    void closeChildEnds() {
      natives.closeAll(stdin[0], output[1]);
      stdin[0] = -1;
      output[1] = -1;
    }

    void closeAll() {
      if (stdin != null) {
        natives.closeAll(stdin);
      }
      if (output != null) {
        natives.closeAll(output);
      }
      if (log != null) {
        try {
          log.close();
        } catch (java.io.IOException e) {
          // nothing was written
        }
      }
      if (cgroup != null) {
        // A child killed unplaced, or one whose output could not be watched, may still be dying in it.
        cgroup.kill();
        Duration bound = properties.stopTimeoutsOf(null).killTimeout();
        if (child != null) {
          Await.completion(child.exit(), bound);
        }
        Await.until(cgroup::isEmpty, bound, Duration.ofMillis(5));
        cgroup.remove();
      }
    }
  }
}
