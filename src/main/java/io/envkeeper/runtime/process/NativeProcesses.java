package io.envkeeper.runtime.process;

import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to native process control: jnr-posix for the plain POSIX calls and
 * {@link LinuxProcessCalls} for the rest (pidfds, subreaper, poll, spawn). Nothing outside this
 * package touches jnr. Holds no state of its own beyond the bindings.
 */
final class NativeProcesses {

  private static final Logger log = LoggerFactory.getLogger(NativeProcesses.class);
  private static final byte[] WAKE_BYTE = {1};

  private final POSIX posix = POSIXFactory.getNativePOSIX();
  private final LinuxProcessCalls linux = new LinuxProcessCalls();
  private final boolean pidfds;

  NativeProcesses() {
    int probe = linux.pidfdOpen(posix.getpid());
    this.pidfds = probe >= 0;
    if (pidfds) {
      posix.close(probe);
    } else {
      log.warn("this kernel has no pidfds (Linux < 5.3): signals are guarded by the recorded start time");
    }
  }

  POSIX posix() {
    return posix;
  }

  /** {@code posix_spawnp} of {@code spec}; see {@link LinuxProcessCalls#spawn}. */
  int spawn(ChildSpec spec) {
    return linux.spawn(spec);
  }

  /** Sets soft and hard {@code resource} limit of {@code pid}; 0 or the errno. */
  int prlimit(int pid, int resource, long value) {
    return linux.prlimit(pid, resource, value);
  }

  /**
   * Reaps exactly the process {@code pidfd} names if it is our exited child; see
   * {@link LinuxProcessCalls#waitPidfd}.
   */
  int waitPidfd(int pidfd) {
    return linux.waitPidfd(pidfd);
  }

  /** A close-on-exec pipe, {@code [read, write]}, with the given {@code O_NONBLOCK} ends. */
  int[] pipe(boolean nonBlockingRead, boolean nonBlockingWrite) {
    int[] fds = linux.pipe(0);
    if (nonBlockingRead) {
      setNonBlocking(fds[0]);
    }
    if (nonBlockingWrite) {
      setNonBlocking(fds[1]);
    }
    return fds;
  }

  /** O_NONBLOCK belongs to the open file: set it only on ends that stay in this process. */
  private void setNonBlocking(int fd) {
    int flags = posix.fcntl(fd, jnr.constants.platform.Fcntl.F_GETFL);
    posix.fcntlInt(fd, jnr.constants.platform.Fcntl.F_SETFL, flags | OpenFlags.O_NONBLOCK.intValue());
  }

  void closeAll(int... fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        posix.close(fd);
      }
    }
  }

  /** A close-on-exec pidfd for {@code pid}, or -1. */
  int pidfdOpen(int pid) {
    return pidfds ? linux.pidfdOpen(pid) : -1;
  }

  /** Signals exactly the process the pidfd names; false if it is gone. */
  boolean pidfdSignal(int pidfd, int signal) {
    return linux.pidfdSendSignal(pidfd, signal) == 0;
  }

  /**
   * Signals {@code process} only if its pid still names the process that started at its recorded
   * start time. With pidfds the check and the signal refer to one pinned process: the pidfd is
   * opened first, then the start time checked, then the signal sent through the pidfd.
   *
   * @return whether a signal was sent
   */
  boolean signalVerified(ProcessRef process, int signal) {
    if (pidfds) {
      int pidfd = linux.pidfdOpen(process.pid());
      if (pidfd < 0) {
        return false; // gone
      }
      try {
        return process.isAlive() && linux.pidfdSendSignal(pidfd, signal) == 0;
      } finally {
        posix.close(pidfd);
      }
    }
    return process.isAlive() && posix.kill(process.pid(), signal) == 0;
  }

  /** Whether any process is in group {@code pgid} (signal 0 probes without signalling). */
  boolean groupHasMembers(int pgid) {
    return posix.kill(-pgid, 0) == 0 || posix.errno() != Errno.ESRCH.intValue();
  }

  int epollCreate() {
    return linux.epollCreate();
  }

  /**
   * Watches {@code fd} for input in {@code epfd}; see {@link LinuxProcessCalls#epollAdd}.
   *
   * @return whether it is watched (false: the kernel refused, e.g. out of memory, and said so in the log)
   */
  boolean epollAdd(int epfd, int fd, long token) {
    int errno = linux.epollAdd(epfd, fd, token);
    if (errno != 0) {
      log.warn("cannot watch descriptor {} ({}); the reaper's tick finds its events", fd, LinuxProcessCalls.errnoName(errno));
    }
    return errno == 0;
  }

  void epollDelete(int epfd, int fd) {
    linux.epollDelete(epfd, fd);
  }

  /** Native memory for the events of one waiting thread. */
  LinuxProcessCalls.EventBuffer eventBuffer() {
    return linux.new EventBuffer();
  }

  /** A close-on-exec, non-blocking pipe whose write end wakes the reaper's loop. */
  int[] wakePipe() {
    return pipe(true, true);
  }

  /** One byte into the pipe; a full pipe already means "wake up". */
  void signalWakePipe(int[] pipe) {
    posix.write(pipe[1], WAKE_BYTE, 1);
  }

  void drainWakePipe(int[] pipe) {
    byte[] buffer = new byte[64];
    while (posix.read(pipe[0], buffer, buffer.length) > 0) {
      // keep reading until empty (non-blocking)
    }
  }

  boolean becomeChildSubreaper() {
    if (linux.becomeChildSubreaper() != 0) {
      log.warn("cannot become child subreaper (errno {}); orphans of workers go to init", posix.errno());
      return false;
    }
    return linux.isChildSubreaper();
  }
}
