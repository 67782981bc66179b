package io.envkeeper.runtime.process;

import java.lang.ref.Reference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * Linux calls jnr-posix lacks: pidfds (kernel 5.3+), the child-subreaper flag and {@code poll}.
 * Reached through {@code syscall}/{@code prctl} so they work with any glibc.
 */
final class LinuxProcessCalls {

  /** x86_64 and aarch64 share these numbers (asm-generic table, added after the unification). */
  private static final long SYS_PIDFD_SEND_SIGNAL = 424;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  /** {@code struct pollfd}: int fd, short events, short revents. */
  private static final int POLLFD_SIZE = 8;
  private static final short POLLIN = 1;

  /** The libc entry points. */
  public interface Libc {
    long syscall(long number, long arg1, long arg2, long arg3, long arg4);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int prctl(int option, int[] result, long arg3, long arg4, long arg5);

    int poll(Pointer fds, long count, int timeoutMillis);
  }

  private final Libc libc =
      LibraryLoader.create(Libc.class).load(Platform.getNativePlatform().getStandardCLibraryName());

  /** A pidfd for {@code pid} (close-on-exec), or -1 when the kernel has none. */
  int pidfdOpen(int pid) {
    return (int) libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
  }

  /** Signals the process the pidfd refers to; never a recycled pid. 0 on success. */
  int pidfdSendSignal(int pidfd, int signal) {
    return (int) libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0);
  }

  /** Makes this process adopt orphaned descendants (instead of init). 0 on success. */
  int becomeChildSubreaper() {
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  }

  /**
   * Blocks until one of {@code fds} is readable or {@code timeoutMillis} passes ({@code poll(2)}).
   * A pidfd turns readable when its process exits; a pipe when a byte is written to it.
   *
   * @param buffer the caller's native {@code struct pollfd} array, reused from call to call
   * @return whether anything became readable (false on timeout or EINTR)
   */
  boolean awaitReadable(PollBuffer buffer, int[] fds, int timeoutMillis) {
    Pointer pollfds = buffer.forEntries(fds.length);
    for (int i = 0; i < fds.length; i++) {
      pollfds.putInt((long) POLLFD_SIZE * i, fds[i]);
      pollfds.putShort((long) POLLFD_SIZE * i + 4, POLLIN);
      pollfds.putShort((long) POLLFD_SIZE * i + 6, (short) 0);
    }
    int ready = libc.poll(pollfds, fds.length, timeoutMillis);
    // The kernel writes into this memory until poll returns: it must not be freed before. Without
    // this fence the JIT may treat the buffer as dead once its address is passed, and the garbage
    // collector may free it while poll still runs (seen as heap corruption under load).
    Reference.reachabilityFence(pollfds);
    Reference.reachabilityFence(buffer);
    return ready > 0;
  }

  /** Native memory for a {@code struct pollfd} array, grown as needed and kept by its owner. */
  final class PollBuffer {

    private Pointer memory;
    private int capacity;

    private Pointer forEntries(int entries) {
      if (entries > capacity) {
        capacity = Math.max(entries, Math.max(16, capacity * 2));
        memory = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(libc), POLLFD_SIZE * capacity);
      }
      return memory;
    }
  }

  boolean isChildSubreaper() {
    int[] result = new int[1];
    return libc.prctl(PR_GET_CHILD_SUBREAPER, result, 0, 0, 0) == 0 && result[0] != 0;
  }
}
