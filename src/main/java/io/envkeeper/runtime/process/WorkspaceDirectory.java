package io.envkeeper.runtime.process;

import io.envkeeper.runtime.process.WorkspaceUnusableException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a worker's working directory as a descriptor and proves it is the environment's workspace
 * before anything is spawned in it: the last component must not be a symlink ({@code O_NOFOLLOW}),
 * and the directory actually opened must have the recorded path as its real path (what
 * {@code /proc/self/fd/N} names), so a directory above it swapped for a symlink is caught too. The
 * child then starts in that very descriptor ({@code fchdir}), never in a path looked up again.
 */
final class WorkspaceDirectory {

  private static final Logger log = LoggerFactory.getLogger(WorkspaceDirectory.class);
  private static final int FLAGS = OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue()
      | OpenFlags.O_NOFOLLOW.intValue() | OpenFlags.O_CLOEXEC.intValue();

  private WorkspaceDirectory() {}

  /**
   * @return an open, close-on-exec descriptor of the workspace; the caller closes it
   * @throws WorkspaceUnusableException when it is missing or no longer the recorded directory
   * @throws SpawnFailedException when it cannot be opened for another reason (permissions, limits)
   */
  static int open(NativeProcesses natives, Path workspace) {
    POSIX posix = natives.posix();
    int fd = posix.open(workspace.toString(), FLAGS, 0);
    if (fd < 0) {
      int errno = posix.errno();
      if (errno == Errno.ENOENT.intValue()) {
        throw new WorkspaceUnusableException(Reason.WORKSPACE_MISSING, workspace);
      }
      if (errno == Errno.ELOOP.intValue() || errno == Errno.ENOTDIR.intValue()) {
        log.warn("workspace {} is no longer a directory ({})", workspace, LinuxProcessCalls.errnoName(errno));
        throw new WorkspaceUnusableException(Reason.WORKSPACE_MOVED, workspace);
      }
      throw new SpawnFailedException("cannot open the workspace " + workspace + " (" + LinuxProcessCalls.errnoName(errno) + ")");
    }
    Path opened;
    try {
      opened = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd)));
    } catch (IOException | RuntimeException e) {
      natives.closeAll(fd);
      throw new SpawnFailedException("cannot tell where the workspace " + workspace + " leads: " + e);
    }
    if (!opened.equals(workspace)) {
      natives.closeAll(fd);
      // The real path stays in the log: it may name a place outside every root.
      log.warn("workspace {} now resolves to {}; refusing to start a worker there", workspace, opened);
      throw new WorkspaceUnusableException(Reason.WORKSPACE_MOVED, workspace);
    }
    return fd;
  }
}
