package io.envkeeper.runtime.process;

import java.util.List;

/**
 * One child process as {@code posix_spawnp} starts it (see {@link LinuxProcessCalls#spawn}).
 *
 * @param argv the program (looked up on the service's PATH unless absolute) and its arguments
 * @param environment every {@code NAME=value} of the child; nothing else is inherited
 * @param stdin descriptor that becomes the child's 0
 * @param stdout descriptor that becomes the child's 1
 * @param stderr descriptor that becomes the child's 2
 * @param directory open directory descriptor the child starts in (its working directory)
 * @param ownProcessGroup whether the child leads a process group of its own
 * @param placement what is done to the child before its program runs (its cgroup, its rlimits);
 *     {@link Placement#NONE} for nothing
 * @param gate set by {@link GatedSpawn} only: where the child waits until it is placed
 */
record ChildSpec(
    List<String> argv, List<String> environment, int stdin, int stdout, int stderr, int directory,
    boolean ownProcessGroup, Placement placement, Gate gate) {

  ChildSpec {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    argv = List.copyOf(argv);
    environment = List.copyOf(environment);
    placement = placement == null ? Placement.NONE : placement;
  }

  /** A child that needs no placement. */
  ChildSpec(List<String> argv, List<String> environment, int stdin, int stdout, int stderr, int directory,
      boolean ownProcessGroup) {
    this(argv, environment, stdin, stdout, stderr, directory, ownProcessGroup, Placement.NONE, null);
  }

  ChildSpec withGate(Gate gate) {
    return new ChildSpec(argv, environment, stdin, stdout, stderr, directory, ownProcessGroup, placement, gate);
  }

  /**
   * The child's first file action: open {@code path} read-only onto descriptor 0. {@code path}
   * names a FIFO without a writer, so the open blocks until the service opens one. Descriptor 0,
   * because the next action puts stdin there anyway, and because its number is below any
   * {@code RLIMIT_NOFILE} set while the child waits (glibc moves an opened descriptor to the
   * requested number with {@code dup2}, which refuses a number at or above that limit).
   */
  record Gate(String path) {
    /** Where the gate is opened in the child. */
    static final int FD = 0;
  }
}
