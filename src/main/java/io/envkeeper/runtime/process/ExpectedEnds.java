package io.envkeeper.runtime.process;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes the service is about to signal (a worker's descendants, its cgroup's members, adopted
 * orphans): each one that is, or becomes, a child of the service is reaped the moment it dies,
 * not after the adoption grace. Each is held by a pidfd, so exactly that process is reaped
 * ({@code waitid(P_PIDFD)}), never a recycled pid. A process that dies while it is still another
 * process's child is retried when a SIGCHLD says something was re-parented to us (the kernel
 * notifies the new parent of a zombie it inherits). Entries leave when reaped, when the process is
 * gone (its own parent reaped it), or after {@code envkeeper.reaper.killed-watch}.
 *
 * <p>Announced from any thread ({@link #announce}); everything else runs on the reaper's loop.
 */
final class ExpectedEnds {

  private static final Logger log = LoggerFactory.getLogger(ExpectedEnds.class);

  private final NativeProcesses natives;
  private final Queue<ProcessRef> announced = new ConcurrentLinkedQueue<>();
  /** By pidfd; loop only. */
  private final Map<Integer, Entry> entries = new HashMap<>();
  /** The processes of {@link #entries}; loop only. */
  private final Set<ProcessRef> tracked = new HashSet<>();
  private final AtomicLong reaped = new AtomicLong();

  private static final class Entry {
    final ProcessRef process;
    /** Its parent when it was taken in: the death that re-parents it to us, unless that already happened. */
    final int parent;
    final long since;
    /** In the epoll set until its pidfd fired once (level-triggered: it stays readable after death). */
    boolean watched;

    Entry(ProcessRef process, int parent, long since) {
      this.process = process;
      this.parent = parent;
      this.since = since;
    }
  }

  ExpectedEnds(NativeProcesses natives) {
    this.natives = natives;
  }

  /** From any thread, before the signal is sent; the caller wakes the loop. */
  void announce(Collection<ProcessRef> processes) {
    announced.addAll(processes);
  }

  boolean hasAnnounced() {
    return !announced.isEmpty();
  }

  long reapedTotal() {
    return reaped.get();
  }

  /** Takes in what was announced: a pidfd each (verified to be that process), watched in {@code epfd}. */
  void takeAnnounced(int epfd, long tokenKind) {
    ProcessRef next;
    while ((next = announced.poll()) != null) {
      ProcessRef process = next;
      if (tracked.contains(process)) {
        continue;
      }
      int pidfd = natives.pidfdOpen(process.pid());
      if (pidfd < 0) {
        continue; // gone already (or no pidfds: the adoption grace takes it)
      }
      // The pidfd pins a process; check it is the one announced (the pid may have been recycled).
      Optional<ProcStat> stat = ProcStat.of(process.pid()).filter(s -> s.startTicks() == process.startTicks());
      if (stat.isEmpty()) {
        natives.closeAll(pidfd);
        continue;
      }
      Entry entry = new Entry(process, stat.get().ppid(), System.nanoTime());
      entry.watched = natives.epollAdd(epfd, pidfd, tokenKind | pidfd);
      entries.put(pidfd, entry);
      tracked.add(process);
      tryReap(epfd, pidfd, entry);
    }
  }

  /** Its pidfd turned readable: it died. Reap it if it is ours; else wait for its re-parenting. */
  void died(int epfd, int pidfd) {
    Entry entry = entries.get(pidfd);
    if (entry == null) {
      return;
    }
    if (!tryReap(epfd, pidfd, entry) && entry.watched) {
      natives.epollDelete(epfd, pidfd);
      entry.watched = false;
    }
    retryChildrenOf(epfd, entry.process.pid()); // re-parented to us before its pidfd fired
  }

  /**
   * Process {@code pid} died (an expected one, or a worker's leader): those of its children that are
   * expected and dead are ours now (the kernel re-parents a dying process's children before its
   * pidfd turns readable), so they are reaped here rather than at the JVM's SIGCHLD dispatch, which
   * starts a thread per signal and is slow on a busy host. Only its children are tried: a kill of
   * many processes costs one {@code waitid} per process, not one per pair.
   */
  void retryChildrenOf(int epfd, int pid) {
    if (entries.isEmpty()) {
      return;
    }
    for (Integer pidfd : entries.keySet().toArray(Integer[]::new)) {
      Entry entry = entries.get(pidfd);
      if (entry != null && !entry.watched && entry.parent == pid) {
        tryReap(epfd, pidfd, entry);
      }
    }
  }

  /** A SIGCHLD came: any dead expected process may have been re-parented to us. */
  void retry(int epfd) {
    if (entries.isEmpty()) {
      return;
    }
    for (Integer pidfd : entries.keySet().toArray(Integer[]::new)) {
      Entry entry = entries.get(pidfd);
      if (entry != null && !entry.watched) {
        tryReap(epfd, pidfd, entry);
      }
    }
  }

  /** At a tick: drops entries whose process is gone (its parent reaped it) or that are too old. */
  void expire(int epfd, long now, long maxAgeNanos) {
    Iterator<Map.Entry<Integer, Entry>> iterator = entries.entrySet().iterator();
    while (iterator.hasNext()) {
      Map.Entry<Integer, Entry> next = iterator.next();
      Entry entry = next.getValue();
      boolean gone = ProcStat.of(entry.process.pid()).map(ProcStat::startTicks).orElse(-1L) != entry.process.startTicks();
      if (gone || now - entry.since > maxAgeNanos) {
        close(epfd, next.getKey(), entry);
        iterator.remove();
      }
    }
  }


  private boolean tryReap(int epfd, int pidfd, Entry entry) {
    int status = natives.waitPidfd(pidfd);
    if (status < 0) {
      return false;
    }
    reaped.incrementAndGet();
    log.debug("reaper: reaped killed descendant pid {} ({})", entry.process.pid(), ExitStatus.fromWaitStatus(status));
    close(epfd, pidfd, entry);
    entries.remove(pidfd);
    return true;
  }

  private void close(int epfd, int pidfd, Entry entry) {
    tracked.remove(entry.process);
    if (entry.watched) {
      natives.epollDelete(epfd, pidfd);
    }
    natives.closeAll(pidfd);
  }
}
