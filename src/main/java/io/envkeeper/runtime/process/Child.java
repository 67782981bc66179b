package io.envkeeper.runtime.process;

import java.util.concurrent.CompletableFuture;
import jnr.constants.platform.Errno;

/**
 * A child the reaper spawned and holds: its pid (pinned until the reaper collects it, so it cannot be
 * recycled meanwhile), its start time, a pidfd the reaper polls and signals go through, and its exit.
 * The pidfd is closed only by the reaper's loop, after the reap, under this object's lock, so a
 * signal never goes through a descriptor number that has been reused.
 */
final class Child {

  private final NativeProcesses natives;
  private final int pid;
  private final long startTicks;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private int pidfd;

  Child(NativeProcesses natives, int pid, long startTicks, int pidfd) {
    this.natives = natives;
    this.pid = pid;
    this.startTicks = startTicks;
    this.pidfd = pidfd;
  }

  int pid() {
    return pid;
  }

  long startTicks() {
    return startTicks;
  }

  /** Completes on the reaper's loop when the child is collected: return at once from dependents. */
  CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  /** The descriptor to poll (read on the reaper's loop only), or -1 without pidfds. */
  synchronized int pidfd() {
    return pidfd;
  }

  /**
   * Signals the child itself while it is not collected: through its pidfd, or by pid (which cannot
   * have been recycled: an uncollected child keeps its pid). After the reap, nothing is sent.
   *
   * @return whether a signal was sent
   */
  synchronized boolean signal(int signal) {
    if (exit.isDone()) {
      return false;
    }
    if (pidfd >= 0) {
      return natives.pidfdSignal(pidfd, signal);
    }
    return natives.posix().kill(pid, signal) == 0 || natives.posix().errno() != Errno.ESRCH.intValue();
  }

  /** Called by the reaper's loop once {@code waitpid} returned the child (or said it is not ours). */
  void collected(ExitStatus status) {
    synchronized (this) {
      if (pidfd >= 0) {
        natives.posix().close(pidfd);
        pidfd = -1;
      }
    }
    exit.complete(status);
  }
}
