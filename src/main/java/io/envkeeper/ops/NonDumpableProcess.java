package io.envkeeper.ops;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the service's process non-dumpable ({@code prctl(PR_SET_DUMPABLE, 0)}), first thing at
 * start-up. Workers run as the service's own user; without this, any of them could read the
 * service's environment and memory ({@code /proc/<pid>/environ}, {@code /proc/<pid>/mem}), where
 * its secrets are. Non-dumpable, those files belong to root and need {@code CAP_SYS_PTRACE}.
 *
 * <p>It does not reach the workers themselves: the flag is reset when a program is executed, so a
 * worker is an ordinary process. Root (or any holder of {@code CAP_SYS_PTRACE}) still reads
 * everything; against workers running as root it protects nothing. It also keeps same-user tools
 * such as {@code jcmd}/{@code jstack} from attaching (root still can).
 */
public final class NonDumpableProcess {

  private static final Logger log = LoggerFactory.getLogger(NonDumpableProcess.class);
  private static final int PR_SET_DUMPABLE = 4;
  private static final int PR_GET_DUMPABLE = 3;

  /** The libc entry point. */
  public interface Libc {
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);
  }

  private NonDumpableProcess() {}

  /** Marks this process non-dumpable; logs (never throws) where the platform cannot. */
  public static boolean apply() {
    if (!Platform.getNativePlatform().getOS().equals(Platform.OS.LINUX)) {
      log.warn("not Linux: the service is not marked non-dumpable; processes of its user may read its memory");
      return false;
    }
    try {
      Libc libc = LibraryLoader.create(Libc.class).load(Platform.getNativePlatform().getStandardCLibraryName());
      if (libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
        log.warn("prctl(PR_SET_DUMPABLE, 0) failed: processes of the service's user may read its environment");
        return false;
      }
      return true;
    } catch (RuntimeException | LinkageError e) {
      log.warn("cannot mark the service non-dumpable ({}): processes of its user may read its environment", e.toString());
      return false;
    }
  }
}
