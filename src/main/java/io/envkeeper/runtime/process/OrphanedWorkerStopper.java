package io.envkeeper.runtime.process;

import io.envkeeper.deadline.Await;
import java.time.Duration;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;

/**
 * Stops a worker process known only from its record, after a restart of the service: it is not our
 * child (no waitpid, no stdin), so its end is watched in {@code /proc}. The group is signalled only
 * while its leader is verified to be the recorded process (pid and start time); with pidfds the
 * leader's pid is pinned by an open pidfd while the group is signalled, so it cannot be recycled in
 * between. A pid whose start time does not match is never signalled.
 */
final class OrphanedWorkerStopper {

  private final NativeProcesses natives;
  private final POSIX posix;
  private final Duration pollInterval;

  OrphanedWorkerStopper(NativeProcesses natives, Duration pollInterval) {
    this.natives = natives;
    this.posix = natives.posix();
    this.pollInterval = pollInterval;
  }

  /**
   * SIGTERM to the group, up to {@code stopGrace}; SIGKILL, up to {@code killTimeout}.
   *
   * @return whether the process is gone (a zombie counts as gone)
   */
  boolean stop(ProcessRef leader, int pgid, Duration stopGrace, Duration killTimeout) {
    if (!leader.isAlive()) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGTERM.intValue());
    if (Await.until(() -> !leader.isAlive(), stopGrace, pollInterval)) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGKILL.intValue());
    return Await.until(() -> !leader.isAlive(), killTimeout, pollInterval);
  }

  private void signalGroup(ProcessRef leader, int pgid, int signal) {
    int pidfd = natives.pidfdOpen(leader.pid());
    try {
      if (!leader.isAlive()) {
        return;
      }
      posix.kill(-pgid, signal);
      // The leader too if it left its group (one signal per process: a handler counts them).
      boolean leftGroup = ProcStat.of(leader.pid()).map(ProcStat::pgrp).orElse(pgid) != pgid;
      if (leftGroup) {
        if (pidfd >= 0) {
          natives.pidfdSignal(pidfd, signal);
        } else {
          posix.kill(leader.pid(), signal);
        }
      }
    } finally {
      natives.closeAll(pidfd);
    }
  }
}
