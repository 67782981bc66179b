package io.envkeeper.runtime.process;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import jnr.constants.platform.WaitFlags;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper's part as child subreaper: zombie children of this process that nobody registered
 * (orphaned descendants of workers, re-parented here) are reaped once they have been zombies for
 * the adoption grace. A child the JDK started is collected by the JDK at once, so the grace keeps
 * it from being taken. Used by the reaper's loop thread only.
 */
final class OrphanAdoption {

  private static final Logger log = LoggerFactory.getLogger(OrphanAdoption.class);

  private final POSIX posix;
  private final int selfPid;
  /** Unregistered zombie children by pid, with when each was first seen. */
  private final Map<Integer, Long> zombiesSeenAt = new HashMap<>();
  private final AtomicLong adopted = new AtomicLong();
  private volatile int zombies;

  OrphanAdoption(POSIX posix, int selfPid) {
    this.posix = posix;
    this.selfPid = selfPid;
  }

  /** Whether zombies wait for their grace (the next tick must look again). */
  boolean waiting() {
    return !zombiesSeenAt.isEmpty();
  }

  long adoptedTotal() {
    return adopted.get();
  }

  int zombies() {
    return zombies;
  }

  /**
   * Reaps the unregistered zombie children older than {@code grace}, unless {@code spawnPending}
   * (asked after the scan: a zombie seen there that is a pending spawn's child keeps it true until
   * it is registered, and a registered one is skipped).
   */
  void adoptPastGrace(long now, Duration grace, IntPredicate registered, BooleanSupplier spawnPending) {
    Set<Integer> current = unregisteredZombieChildren(registered);
    zombiesSeenAt.keySet().retainAll(current);
    boolean pending = spawnPending.getAsBoolean();
    for (int pid : current) {
      long seenAt = zombiesSeenAt.computeIfAbsent(pid, unused -> now);
      if (!pending && now - seenAt >= grace.toNanos() && !registered.test(pid)) {
        adopt(pid);
      }
    }
    zombies = zombiesSeenAt.size();
  }

  /**
   * Read from the children lists of our own threads (a few small files); a scan of every process of
   * the host (which took the loop, and every worker's output with it, tens of milliseconds on a busy
   * host) only where the kernel lacks those lists.
   */
  private Set<Integer> unregisteredZombieChildren(IntPredicate registered) {
    Set<Integer> found = new HashSet<>();
    Optional<List<Integer>> children = ProcStat.childrenOf(selfPid);
    if (children.isPresent()) {
      for (int pid : children.get()) {
        if (!registered.test(pid) && ProcStat.of(pid).filter(ProcStat::isZombie).isPresent()) {
          found.add(pid);
        }
      }
      return found;
    }
    for (ProcStat process : ProcStat.all()) {
      if (process.ppid() == selfPid && process.isZombie() && !registered.test(process.pid())) {
        found.add(process.pid());
      }
    }
    return found;
  }

  private void adopt(int pid) {
    int[] status = new int[1];
    if (posix.waitpid(pid, status, WaitFlags.WNOHANG.intValue()) == pid) {
      zombiesSeenAt.remove(pid);
      adopted.incrementAndGet();
      log.info("reaper: reaped adopted orphan pid {} ({})", pid, ExitStatus.fromWaitStatus(status[0]));
    }
  }
}
