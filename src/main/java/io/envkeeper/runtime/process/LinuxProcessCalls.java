package io.envkeeper.runtime.process;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The Linux and glibc calls jnr-posix lacks or gets wrong, bound here with jnr-ffi: pidfds (kernel
 * 5.3+), the child-subreaper flag, epoll, {@code pipe2}, and {@code posix_spawnp} with the
 * file actions and attributes a worker needs ({@code adddup2}, {@code addfchdir_np} (glibc 2.29),
 * {@code addclosefrom_np} (glibc 2.34), process group, signal mask and dispositions). Pidfds and the
 * subreaper flag go through {@code syscall}/{@code prctl} so they work with any glibc.
 */
final class LinuxProcessCalls {

  /** x86_64 and aarch64 share these numbers (asm-generic table, added after the unification). */
  private static final long SYS_PIDFD_SEND_SIGNAL = 424;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLLIN = 0x1;
  /**
   * {@code struct epoll_event}: uint32 events, then uint64 data. x86_64 packs it (12 bytes, data at
   * offset 4); other architectures align data (16 bytes, data at offset 8).
   */
  private static final boolean PACKED_EPOLL_EVENT =
      Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;
  private static final int EPOLL_EVENT_SIZE = PACKED_EPOLL_EVENT ? 12 : 16;
  private static final int EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;
  /** {@code waitid}: wait for the process a pidfd names (Linux 5.4); exited children; do not block. */
  private static final int P_PIDFD = 3;
  private static final int WEXITED = 4;
  private static final int WNOHANG = 1;
  /** {@code siginfo_t}: 128 bytes; for SIGCHLD, {@code si_pid} at offset 16 and {@code si_status} at 24. */
  private static final int SIGINFO_BYTES = 128;
  private static final int SIGINFO_CODE = 8;
  private static final int SIGINFO_PID = 16;
  private static final int SIGINFO_STATUS = 24;
  /** {@code si_code} values of a SIGCHLD siginfo. */
  private static final int CLD_EXITED = 1;
  private static final int CLD_KILLED = 2;
  private static final int CLD_DUMPED = 3;
  /** glibc's {@code <spawn.h>} flags. */
  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  /**
   * Room for glibc's {@code posix_spawn_file_actions_t} (80 bytes), {@code posix_spawnattr_t} (336
   * bytes) and {@code sigset_t} (128 bytes) on 64-bit Linux, with margin: {@code *_init} writes
   * the whole struct, so a buffer sized by guess (jnr-posix allocates 128 bytes for the attributes)
   * corrupts the native heap.
   */
  private static final int SPAWN_STRUCT_BYTES = 512;

  /** The libc entry points. */
  public interface Libc {
    long syscall(long number, long arg1, long arg2, long arg3, long arg4);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int prctl(int option, @Out int[] result, long arg3, long arg4, long arg5);

    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    int pipe2(@Out int[] fds, int flags);

    int posix_spawnp(@Out int[] pid, Pointer file, Pointer fileActions, Pointer attributes, Pointer argv, Pointer envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addfchdir_np(Pointer fileActions, int directoryFd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, Pointer path, int flags, int mode);

    int prlimit(int pid, int resource, @In Pointer newLimit, Pointer oldLimit);

    int waitid(int idType, int id, Pointer info, int options);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

    int posix_spawnattr_setsigmask(Pointer attributes, @In Pointer mask);

    int posix_spawnattr_setsigdefault(Pointer attributes, @In Pointer signals);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);
  }

  private final Libc libc =
      LibraryLoader.create(Libc.class).load(Platform.getNativePlatform().getStandardCLibraryName());
  private final jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(libc);

  /** A pidfd for {@code pid} (close-on-exec), or -1 when the kernel has none. */
  int pidfdOpen(int pid) {
    return (int) libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
  }

  /** Signals the process the pidfd refers to; never a recycled pid. 0 on success. */
  int pidfdSendSignal(int pidfd, int signal) {
    return (int) libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0);
  }

  /**
   * Reaps the process {@code pidfd} names if it is our child and has exited, without blocking and
   * never anyone else (the pidfd pins the process, not a pid number that may be recycled).
   *
   * @return the wait status ({@link ExitStatus#fromWaitStatus} decodes it); {@link #NOT_EXITED}
   *     while it runs; {@link #NOT_OUR_CHILD} when it is not (or not yet) our child (ECHILD), or the
   *     kernel has no {@code P_PIDFD}
   */
  int waitPidfd(int pidfd) {
    Pointer info = Memory.allocateDirect(runtime, SIGINFO_BYTES, true);
    int result = libc.waitid(P_PIDFD, pidfd, info, WEXITED | WNOHANG);
    try {
      if (result != 0) {
        return NOT_OUR_CHILD;
      }
      if (info.getInt(SIGINFO_PID) == 0) {
        return NOT_EXITED;
      }
      int code = info.getInt(SIGINFO_CODE);
      int status = info.getInt(SIGINFO_STATUS);
      // Back to the waitpid encoding the rest of the code decodes: code << 8, or the signal.
      return code == CLD_EXITED ? (status & 0xff) << 8 : code == CLD_KILLED || code == CLD_DUMPED ? status & 0x7f : 0;
    } finally {
      Reference.reachabilityFence(info);
    }
  }

  /** {@link #waitPidfd}: the process runs. */
  static final int NOT_EXITED = -1;
  /** {@link #waitPidfd}: not our child (or no P_PIDFD). */
  static final int NOT_OUR_CHILD = -2;

  /**
   * Sets soft and hard limit of {@code resource} for process {@code pid} to {@code value}.
   *
   * @return 0, or the errno
   */
  int prlimit(int pid, int resource, long value) {
    Pointer limit = Memory.allocateDirect(runtime, 16, true);
    limit.putLong(0, value);
    limit.putLong(8, value);
    int result = libc.prlimit(pid, resource, limit, null);
    Reference.reachabilityFence(limit);
    return result == 0 ? 0 : runtimeErrno();
  }

  /** Makes this process adopt orphaned descendants (instead of init). 0 on success. */
  int becomeChildSubreaper() {
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  }

  boolean isChildSubreaper() {
    int[] result = new int[1];
    return libc.prctl(PR_GET_CHILD_SUBREAPER, result, 0, 0, 0) == 0 && result[0] != 0;
  }

  /**
   * A pipe whose two ends are created close-on-exec in one step (no other thread's spawn can
   * inherit them in between), with {@code O_NONBLOCK} on the ends asked for.
   *
   * @return {@code [read end, write end]}
   * @throws SpawnFailedException naming the errno when the kernel refuses (EMFILE, ENFILE)
   */
  int[] pipe(int flags) {
    int[] fds = new int[2];
    if (libc.pipe2(fds, jnr.constants.platform.OpenFlags.O_CLOEXEC.intValue() | flags) != 0) {
      throw new SpawnFailedException("cannot create a pipe (" + errnoName(runtimeErrno()) + ")");
    }
    return fds;
  }

  /** A close-on-exec epoll instance. */
  int epollCreate() {
    int epfd = libc.epoll_create1(jnr.constants.platform.OpenFlags.O_CLOEXEC.intValue());
    if (epfd < 0) {
      throw new IllegalStateException("cannot create an epoll instance (" + errnoName(runtimeErrno()) + ")");
    }
    return epfd;
  }

  /**
   * Watches {@code fd} for input (level-triggered): a pidfd turns readable when its process exits, a
   * pipe when bytes arrive or its last writer is gone. {@code token} comes back with its events. A
   * descriptor leaves the set by itself when it is closed.
   *
   * @return 0, or the errno
   */
  int epollAdd(int epfd, int fd, long token) {
    Pointer event = Memory.allocateDirect(runtime, EPOLL_EVENT_SIZE, true);
    event.putInt(0, EPOLLIN);
    event.putLong(EPOLL_DATA_OFFSET, token);
    int result = libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, event);
    Reference.reachabilityFence(event);
    return result == 0 ? 0 : runtimeErrno();
  }

  /** Stops watching {@code fd} (before it is closed, so no event of it can come after). */
  void epollDelete(int epfd, int fd) {
    libc.epoll_ctl(epfd, EPOLL_CTL_DEL, fd, null);
  }

  /** Native memory for the events of {@code epoll_wait}, owned (and reused) by one waiting thread. */
  final class EventBuffer {

    private static final int CAPACITY = 256;
    private final Pointer memory = Memory.allocateDirect(runtime, EPOLL_EVENT_SIZE * CAPACITY, true);

    /**
     * Blocks until something is ready or {@code timeoutMillis} passes.
     *
     * @return how many events are ready (0 on timeout or EINTR); read them with {@link #token}
     */
    int await(int epfd, int timeoutMillis) {
      int ready = libc.epoll_wait(epfd, memory, CAPACITY, timeoutMillis);
      // The kernel writes into this memory until epoll_wait returns: it must not be freed before.
      // Without this fence the JIT may treat the buffer as dead once its address is passed, and the
      // garbage collector may free it while the call still runs (seen as heap corruption under load).
      Reference.reachabilityFence(memory);
      Reference.reachabilityFence(this);
      return Math.max(0, ready);
    }

    long token(int index) {
      return memory.getLong((long) EPOLL_EVENT_SIZE * index + EPOLL_DATA_OFFSET);
    }
  }

  /**
   * {@code posix_spawnp} of {@code spec}: the child starts in its own process group (when asked),
   * with an empty signal mask and default dispositions (the JVM blocks and handles signals a worker
   * must not inherit), stdin/stdout/stderr from the spec's descriptors, its working directory set
   * from an open directory descriptor (never a path that could be swapped in between), and every
   * other descriptor closed ({@code closefrom(3)}: atomic in the child, so nothing the service opens
   * concurrently can leak into it). The program is looked up on the service's {@code PATH}.
   *
   * @return the child's pid
   * @throws SpawnFailedException with the errno's name when the spawn (or one of its actions) fails
   */
  int spawn(ChildSpec spec) {
    Pointer actions = Memory.allocateDirect(runtime, SPAWN_STRUCT_BYTES, true);
    Pointer attributes = Memory.allocateDirect(runtime, SPAWN_STRUCT_BYTES, true);
    Pointer noSignals = Memory.allocateDirect(runtime, SPAWN_STRUCT_BYTES, true);
    Pointer allSignals = Memory.allocateDirect(runtime, SPAWN_STRUCT_BYTES, true);
    NativeStrings strings = new NativeStrings();
    check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      check(libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
      try {
        addFileActions(actions, spec, strings);
        setAttributes(attributes, noSignals, allSignals, spec.ownProcessGroup());
        int[] pid = new int[1];
        int error = libc.posix_spawnp(
            pid, strings.string(spec.argv().get(0)), actions, attributes, strings.array(spec.argv()),
            strings.array(spec.environment()));
        if (error != 0) {
          throw new SpawnFailedException("cannot start " + spec.argv().get(0) + " (" + errnoName(error) + ")");
        }
        return pid[0];
      } finally {
        libc.posix_spawnattr_destroy(attributes);
      }
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
      // glibc reads all of these until posix_spawnp returns; see EventBuffer.await for why this matters.
      Reference.reachabilityFence(actions);
      Reference.reachabilityFence(attributes);
      Reference.reachabilityFence(noSignals);
      Reference.reachabilityFence(allSignals);
      Reference.reachabilityFence(strings);
    }
  }

  private void addFileActions(Pointer actions, ChildSpec spec, NativeStrings strings) {
    if (spec.gate() != null) {
      // First of all: the child blocks in this open until the service has placed it (its cgroup,
      // its limits) and opens the other end; nothing of the worker's program runs before that.
      check(libc.posix_spawn_file_actions_addopen(actions, ChildSpec.Gate.FD, strings.string(spec.gate().path()),
          jnr.constants.platform.OpenFlags.O_RDONLY.intValue(), 0), "posix_spawn_file_actions_addopen");
    }
    check(libc.posix_spawn_file_actions_adddup2(actions, spec.stdin(), 0), "posix_spawn_file_actions_adddup2");
    check(libc.posix_spawn_file_actions_adddup2(actions, spec.stdout(), 1), "posix_spawn_file_actions_adddup2");
    check(libc.posix_spawn_file_actions_adddup2(actions, spec.stderr(), 2), "posix_spawn_file_actions_adddup2");
    check(libc.posix_spawn_file_actions_addfchdir_np(actions, spec.directory()), "posix_spawn_file_actions_addfchdir_np");
    check(libc.posix_spawn_file_actions_addclosefrom_np(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
  }

  private void setAttributes(Pointer attributes, Pointer noSignals, Pointer allSignals, boolean ownProcessGroup) {
    short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (ownProcessGroup) {
      flags |= POSIX_SPAWN_SETPGROUP;
      check(libc.posix_spawnattr_setpgroup(attributes, 0), "posix_spawnattr_setpgroup");
    }
    if (libc.sigemptyset(noSignals) != 0 || libc.sigfillset(allSignals) != 0) {
      throw new SpawnFailedException("cannot prepare the child's signal sets");
    }
    check(libc.posix_spawnattr_setsigmask(attributes, noSignals), "posix_spawnattr_setsigmask");
    check(libc.posix_spawnattr_setsigdefault(attributes, allSignals), "posix_spawnattr_setsigdefault");
    check(libc.posix_spawnattr_setflags(attributes, flags), "posix_spawnattr_setflags");
  }

  /** The posix_spawn family returns its error number instead of setting errno. */
  private static void check(int error, String call) {
    if (error != 0) {
      throw new SpawnFailedException(call + " failed (" + errnoName(error) + ")");
    }
  }

  private int runtimeErrno() {
    return jnr.ffi.LastError.getLastError(runtime);
  }

  /** {@code ENOENT (2)} for 2; the number alone for one without a name here. */
  static String errnoName(int errno) {
    Errno known = Errno.valueOf(errno);
    return known == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : known.name() + " (" + errno + ")";
  }

  /**
   * NUL-terminated UTF-8 strings and NULL-terminated arrays of them in native memory, kept
   * reachable by this holder until the call that reads them returns. Encoded here, not by jnr's
   * converter, which uses the platform charset (ASCII under a POSIX locale) and would mangle
   * non-ASCII arguments and variables.
   */
  private final class NativeStrings {

    private final List<Pointer> kept = new ArrayList<>();

    Pointer string(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Pointer memory = Memory.allocateDirect(runtime, bytes.length + 1, true);
      memory.put(0, bytes, 0, bytes.length);
      kept.add(memory);
      return memory;
    }

    Pointer array(List<String> texts) {
      int slot = runtime.addressSize();
      Pointer array = Memory.allocateDirect(runtime, slot * (texts.size() + 1), true);
      for (int i = 0; i < texts.size(); i++) {
        array.putPointer((long) slot * i, string(texts.get(i)));
      }
      kept.add(array);
      return array;
    }
  }
}
