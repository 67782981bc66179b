package io.envkeeper.runtime.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.springframework.stereotype.Component;

/**
 * Stops a worker process known only from its record, after a restart of the service: it is not our
 * child (no waitpid, no stdin), so its end is watched in {@code /proc}. The group is signalled only
 * while its leader is verified to be the recorded process (pid and start time); with pidfds the
 * leader's pid is pinned by an open pidfd while the group is signalled, so it cannot be recycled in
 * between. A pid whose start time does not match is never signalled.
 */
@Component
public class OrphanedWorkerStopper {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final NativeProcesses natives;
  private final POSIX posix;

  OrphanedWorkerStopper(NativeProcesses natives) {
    this.natives = natives;
    this.posix = natives.posix();
  }

  /**
   * SIGTERM to the group, up to {@code stopGrace}; SIGKILL, up to {@code killTimeout}.
   *
   * @return whether the process is gone (a zombie counts as gone)
   */
  public boolean stop(ProcessRef leader, int pgid, Duration stopGrace, Duration killTimeout) {
    if (!leader.isAlive()) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGTERM.intValue());
    if (awaitGone(leader, stopGrace)) {
      return true;
    }
    signalGroup(leader, pgid, Signal.SIGKILL.intValue());
    return awaitGone(leader, killTimeout);
  }

  private void signalGroup(ProcessRef leader, int pgid, int signal) {
    int pidfd = natives.pidfdOpen(leader.pid());
    try {
      if (leader.isAlive()) {
        posix.kill(-pgid, signal);
        // The leader too if it left its group (one signal per process: a handler counts them).
        boolean leftGroup = ProcStat.of(leader.pid()).map(ProcStat::pgrp).orElse(pgid) != pgid;
        if (!leftGroup) {
          return;
        }
        if (pidfd >= 0) {
          natives.pidfdSignal(pidfd, signal);
        } else {
          posix.kill(leader.pid(), signal);
        }
      }
    } finally {
      if (pidfd >= 0) {
        posix.close(pidfd);
      }
    }
  }

  private static boolean awaitGone(ProcessRef process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (process.isAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }
}
