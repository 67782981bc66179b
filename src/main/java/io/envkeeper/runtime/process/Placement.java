package io.envkeeper.runtime.process;

/**
 * What is done to a child after it exists and before its program runs: moved into its cgroup, its
 * resource limits set. Done then, and only then, so that nothing the program does (fork, setsid,
 * a double fork within microseconds) happens outside its cgroup or without its limits.
 */
interface Placement {

  /** Nothing to do: the child is spawned directly, without a gate. */
  Placement NONE = new Placement() {
    @Override
    public boolean isNeeded() {
      return false;
    }

    @Override
    public void apply(int pid) {
      // nothing
    }
  };

  boolean isNeeded();

  /**
   * Places the (gated, not yet running) child {@code pid}.
   *
   * @throws SpawnFailedException naming what could not be done; the child is then killed unrun
   */
  void apply(int pid);
}
