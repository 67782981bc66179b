package io.envkeeper.runtime.process;

/**
 * One process for the life of the boot: a pid together with its start time, so a recycled pid is
 * never mistaken for it.
 */
record ProcessRef(int pid, long startTicks) {

  /** Alive (not a zombie) and still the same process. */
  boolean isAlive() {
    return ProcStat.isAlive(pid, startTicks);
  }
}
