package io.envkeeper.runtime.process;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import sun.misc.Signal;

/**
 * The one door to native process control: jnr-posix, the Linux extras (pidfd, subreaper) and the
 * SIGCHLD handler. Nothing outside this package touches jnr.
 */
@Component
public class NativeProcesses {

  private static final Logger log = LoggerFactory.getLogger(NativeProcesses.class);

  /**
   * SIGCHLD has one handler per JVM; every reaper in the JVM (one per application context; tests
   * run several) hears it through this list.
   */
  private static final List<Runnable> CHILD_SIGNAL_LISTENERS = new CopyOnWriteArrayList<>();
  private static boolean childSignalHandlerInstalled;

  private static final byte[] WAKE_BYTE = {1};

  private final POSIX posix = POSIXFactory.getNativePOSIX();
  private final LinuxProcessCalls linux = new LinuxProcessCalls();
  private final boolean pidfds;

  public NativeProcesses() {
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

  /** Native memory for {@link #awaitReadable}, owned (and reused) by one waiting thread. */
  LinuxProcessCalls.PollBuffer pollBuffer() {
    return linux.new PollBuffer();
  }

  /** Blocks until one of {@code fds} is readable or the timeout passes; see {@code poll(2)}. */
  boolean awaitReadable(LinuxProcessCalls.PollBuffer buffer, int[] fds, int timeoutMillis) {
    return linux.awaitReadable(buffer, fds, timeoutMillis);
  }

  /** A close-on-exec, non-blocking pipe whose write end wakes a {@link #awaitReadable} waiter. */
  int[] wakePipe() {
    int[] fds = new int[2];
    if (posix.pipe(fds) != 0) {
      throw new IllegalStateException("cannot create the reaper's wake pipe (errno " + posix.errno() + ")");
    }
    for (int fd : fds) {
      posix.fcntlInt(fd, jnr.constants.platform.Fcntl.F_SETFD, 1);
      int flags = posix.fcntl(fd, jnr.constants.platform.Fcntl.F_GETFL);
      posix.fcntlInt(fd, jnr.constants.platform.Fcntl.F_SETFL, flags | jnr.constants.platform.OpenFlags.O_NONBLOCK.intValue());
    }
    return fds;
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

  /** Whether any process is in group {@code pgid} (signal 0 probes without signalling). */
  boolean groupHasMembers(int pgid) {
    return posix.kill(-pgid, 0) == 0 || posix.errno() != jnr.constants.platform.Errno.ESRCH.intValue();
  }

  boolean becomeChildSubreaper() {
    if (linux.becomeChildSubreaper() != 0) {
      log.warn("cannot become child subreaper (errno {}); orphans of workers go to init", posix.errno());
      return false;
    }
    return linux.isChildSubreaper();
  }

  /** Runs {@code listener} on every SIGCHLD (on a JVM signal thread: it must return at once). */
  void onChildSignal(Runnable listener) {
    CHILD_SIGNAL_LISTENERS.add(listener);
    synchronized (NativeProcesses.class) {
      if (!childSignalHandlerInstalled) {
        Signal.handle(new Signal("CHLD"), signal -> CHILD_SIGNAL_LISTENERS.forEach(Runnable::run));
        childSignalHandlerInstalled = true;
      }
    }
  }

  void removeChildSignalListener(Runnable listener) {
    CHILD_SIGNAL_LISTENERS.remove(listener);
  }
}
