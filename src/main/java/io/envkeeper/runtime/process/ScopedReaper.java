package io.envkeeper.runtime.process;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import jnr.constants.platform.Errno;
import jnr.constants.platform.WaitFlags;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The reaper of this JVM. Children, {@code SIGCHLD} and the child-subreaper flag belong to the
 * process, not to an application context, so there is exactly one, owned here ({@link #ofThisJvm})
 * and shared by every context of the JVM (tests run several): each context holds it through
 * {@link ReaperLifecycle} while it runs, and its loop runs while anyone holds it.
 *
 * <p>It reaps exactly the pids it spawned ({@link #spawn} starts and registers in one call):
 * {@code waitpid(pid, WNOHANG)} per registered pid, never {@code waitpid(-1)}, which would steal exit
 * codes from the JDK's own process reaper. As child subreaper it also adopts orphaned descendants of
 * workers: an unregistered zombie child is reaped once it has been a zombie for {@code adopt-grace},
 * and never while a spawn is between {@code posix_spawn} and its registration. Its loop, like tini's
 * main loop: wait (epoll on the children's pidfds, the output pipes and a wake pipe, up to a tick),
 * reap the children that exited, pass on their output, adopt orphans past the grace, repeat.
 */
final class ScopedReaper {

  private static final Logger log = LoggerFactory.getLogger(ScopedReaper.class);
  /** Ticks without a sweep, while pids are registered, after which the reaper counts as stalled. */
  static final int STALL_TICKS = 3;
  private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(2);
  /** What an epoll event is about: the high half of its token; the low half is the pid or descriptor. */
  private static final long WAKE = 0;
  private static final long CHILD = 1L << 32;
  private static final long OUTPUT = 2L << 32;
  private static final long EXPECTED = 3L << 32;
  /** Every this many ticks the loop sweeps every registered pid and looks for orphans regardless. */
  private static final int BACKUP_TICKS = 10;

  private static final class Holder {
    static final ScopedReaper JVM = new ScopedReaper(new NativeProcesses());
  }

  private final NativeProcesses natives;
  private final POSIX posix;
  private final int selfPid;
  private final Map<Integer, Child> registered = new ConcurrentHashMap<>();
  private final OutputPump outputs;
  private final OrphanAdoption orphans;
  private final GatedSpawn gated;
  private final ExpectedEnds expected;
  /** Registered children epoll cannot watch (no pidfd: kernel < 5.3): every turn sweeps them. */
  private final Set<Integer> unwatched = ConcurrentHashMap.newKeySet();
  /** Spawns between {@code posix_spawn} and their registration: no adoption while there are any. */
  private final AtomicInteger spawnsInFlight = new AtomicInteger();
  private final AtomicLong reaped = new AtomicLong();
  private final AtomicLong vanished = new AtomicLong();
  private final AtomicLong sweeps = new AtomicLong();
  private final AtomicLong respawns = new AtomicLong();
  private volatile Instant lastSweepAt;
  private volatile long lastSweepNanos = System.nanoTime();

  // Guarded by this: who holds the reaper, with which settings, and its loop.
  private int holders;
  private ReaperProperties settings;
  /** The loop's thread; a loop whose thread is no longer this one ends (stopped or replaced). */
  private volatile Thread loop;
  private volatile int[] wakePipe;
  private volatile int epfd = -1;
  private volatile boolean subreaper;
  private volatile long tickNanos = TimeUnit.SECONDS.toNanos(1);

  private ScopedReaper(NativeProcesses natives) {
    this.natives = natives;
    this.posix = natives.posix();
    this.selfPid = posix.getpid();
    this.outputs = new OutputPump(natives);
    this.orphans = new OrphanAdoption(posix, selfPid);
    this.gated = new GatedSpawn(natives);
    this.expected = new ExpectedEnds(natives);
  }

  /** The one reaper of this process. Nothing runs until someone {@link #retain}s it. */
  static ScopedReaper ofThisJvm() {
    return Holder.JVM;
  }

  NativeProcesses natives() {
    return natives;
  }

  /**
   * Holds the reaper: the first holder starts its loop (and makes the process a child subreaper and
   * installs the SIGCHLD handler, once per JVM). Settings are the first holder's; a holder that
   * arrives while it runs with other settings is told so.
   */
  synchronized void retain(ReaperProperties properties) {
    holders++;
    if (holders > 1) {
      if (!properties.equals(settings)) {
        log.warn("reaper already runs with {}; {} of a later context is not applied", settings, properties);
      }
      return;
    }
    settings = properties;
    tickNanos = properties.tick().toNanos();
    if (wakePipe == null) {
      epfd = natives.epollCreate();
      wakePipe = natives.wakePipe();
      natives.epollAdd(epfd, wakePipe[0], WAKE);
      // SIGCHLD has one handler per JVM, and this is the one: it only wakes the loop. With pidfds
      // the loop learns of exits from them; the signal matters for children it cannot watch.
      Signal.handle(new Signal("CHLD"), signal -> wake());
    }
    if (properties.subreaper() && !subreaper) {
      subreaper = natives.becomeChildSubreaper();
    }
    startLoop();
  }

  /** Lets go of the reaper; the last holder stops its loop (bounded wait). Registrations stay. */
  void release() {
    Thread stopping;
    synchronized (this) {
      if (holders == 0 || --holders > 0) {
        return;
      }
      stopping = loop;
      loop = null;
    }
    wake();
    if (stopping != null) {
      try {
        stopping.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts {@code spec} and registers it before returning: the caller gets a child whose exit
   * completes when it is reaped, and cannot forget the registration or let adoption take a child
   * that exits at once. Restarts a loop that died (counted in {@code respawns}).
   *
   * @throws SpawnFailedException when the spawn fails, or no context holds the reaper (nothing may
   *     be started that nobody would reap)
   */
  Child spawn(ChildSpec spec) {
    return spawn(spec, pid -> { });
  }

  /** {@link #spawn(ChildSpec)}, giving the pid to {@code beforeRegistration} in between (tests hold it up). */
  Child spawn(ChildSpec spec, IntConsumer beforeRegistration) {
    ensureLoop();
    spawnsInFlight.incrementAndGet();
    try {
      int pid;
      try {
        pid = spec.placement().isNeeded() ? gated.spawn(spec, settings().placementTimeout()) : natives.spawn(spec);
      } catch (GatedSpawn.PlacementFailedException e) {
        register(e.pid()); // killed before it ran anything: collected like any child
        throw e;
      }
      beforeRegistration.accept(pid);
      return register(pid);
    } finally {
      spawnsInFlight.decrementAndGet();
    }
  }

  private Child register(int pid) {
    long startTicks = ProcStat.of(pid).map(ProcStat::startTicks).orElse(-1L);
    int pidfd = natives.pidfdOpen(pid);
    Child child = new Child(natives, pid, startTicks, pidfd);
    // Watched before it is registered: the loop reaps (and closes the pidfd of) registered ones only.
    if (pidfd < 0 || !natives.epollAdd(epfd, pidfd, CHILD | pid)) {
      unwatched.add(pid);
    }
    registered.put(pid, child);
    if (unwatched.contains(pid)) {
      wake(); // its SIGCHLD may have come before it was registered
    }
    return child;
  }

  /**
   * Passes everything read from {@code fd} (a non-blocking read end this reaper then owns and
   * closes), the output of {@code child}, to {@code sink}, on the loop, until EOF; what the child
   * left in it when it exits is passed on before its exit is. (Not for a child collected before
   * this call, one that exited within the microseconds after its spawn: its output comes after.)
   *
   * @return false if the kernel refused to watch it (out of memory): the caller keeps the descriptor
   */
  boolean pump(int fd, OutputSink sink, Child child) {
    return outputs.add(epfd, fd, OUTPUT | fd, sink, child.pid());
  }

  /**
   * The service is about to signal these processes: each that is or becomes our child is reaped as
   * soon as it dies, without the adoption grace (see {@link ExpectedEnds}). Never blocks.
   */
  void expectEnds(java.util.Collection<ProcessRef> processes) {
    if (!processes.isEmpty()) {
      expected.announce(processes);
      wake();
    }
  }

  /** Whether {@code pid} is one of the children this reaper spawned and has not collected yet. */
  boolean isRegistered(int pid) {
    return registered.containsKey(pid);
  }

  /** Sweeps soon (a SIGCHLD arrived, or something wants a prompt answer). Never blocks. */
  void wake() {
    int[] pipe = wakePipe;
    if (pipe != null) {
      natives.signalWakePipe(pipe);
    }
  }

  /** Only reads. */
  ReaperStats stats() {
    Thread current = loop;
    return new ReaperStats(
        registered.size(), reaped.get(), vanished.get(), orphans.adoptedTotal(), sweeps.get(), lastSweepAt,
        current != null && current.isAlive(), respawns.get(), orphans.zombies(), subreaper, outputs.size(),
        expected.reapedTotal());
  }

  /** Stalled: pids are waiting but no sweep ran for {@value #STALL_TICKS} ticks. */
  boolean isStalled() {
    return !registered.isEmpty() && System.nanoTime() - lastSweepNanos > tickNanos * STALL_TICKS;
  }

  /** The current loop thread (tests stop it on purpose to see the next spawn restart it). */
  Thread loopThread() {
    return loop;
  }

  private synchronized void ensureLoop() {
    if (holders == 0) {
      throw new SpawnFailedException("the reaper is not running: nothing is started that nobody would reap");
    }
    if (loop == null || !loop.isAlive()) {
      respawns.incrementAndGet();
      log.error("reaper loop was dead; restarting it (restart #{})", respawns.get());
      startLoop();
    }
  }

  private void startLoop() {
    Thread thread = new Thread(new Loop(), "reaper");
    thread.setDaemon(true);
    loop = thread;
    thread.start();
  }

  /** The loop; its event buffer never leaves its thread. */
  private final class Loop implements Runnable {

    private final LinuxProcessCalls.EventBuffer events = natives.eventBuffer();
    private long lastTickNanos = System.nanoTime();
    private long ticks;
    /** A SIGCHLD (or another wake) came: an orphan may have died, so the next tick scans. */
    private boolean childSignalled;

    @Override
    public void run() {
      Thread self = Thread.currentThread();
      while (loop == self && !self.isInterrupted()) {
        try {
          turn();
        } catch (RuntimeException e) {
          // One bad turn (an unreadable /proc, a failing sink) must not end the loop everyone needs.
          log.error("reaper: a turn of the loop failed; carrying on", e);
        }
      }
    }

    /**
     * Wait (up to a tick), then handle what epoll names: exited children are reaped, output is
     * passed on, the wake pipe drained. At a tick, orphans are looked for if a SIGCHLD came or some
     * wait for their grace; and every {@value #BACKUP_TICKS} ticks both full sweeps run anyway. Kept
     * out of the other turns: each reads files or makes a syscall per child, and the loop also
     * carries every worker's output.
     */
    private void turn() {
      int tickMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(tickNanos)));
      int ready = events.await(epfd, tickMillis);
      for (int i = 0; i < ready; i++) {
        handle(events.token(i));
      }
      if (expected.hasAnnounced()) {
        expected.takeAnnounced(epfd, EXPECTED);
      }
      if (!unwatched.isEmpty()) {
        reapRegistered(); // no pidfd, no event: only a sweep finds their end
      }
      long now = System.nanoTime();
      if (ready == 0 || now - lastTickNanos >= tickNanos) {
        lastTickNanos = now;
        boolean backup = ++ticks % BACKUP_TICKS == 0;
        if (backup) {
          reapRegistered();
        }
        expected.expire(epfd, now, settings().killedWatch().toNanos());
        if (backup || childSignalled || orphans.waiting()) {
          childSignalled = false;
          orphans.adoptPastGrace(now, settings().adoptGrace(), registered::containsKey, () -> spawnsInFlight.get() > 0);
        }
      }
      recordSweep();
    }

    private void handle(long token) {
      int id = (int) token;
      long kind = token & ~0xffffffffL;
      if (kind == CHILD) {
        Child child = registered.get(id);
        if (child != null) {
          reap(id, child);
        }
        expected.retryChildrenOf(epfd, id); // a worker's leader died: its killed children are ours now
      } else if (kind == OUTPUT) {
        outputs.readOnce(epfd, id);
      } else if (kind == EXPECTED) {
        expected.died(epfd, id);
      } else {
        natives.drainWakePipe(wakePipe);
        childSignalled = true;
        expected.retry(epfd); // a SIGCHLD: a killed descendant may just have been re-parented to us
      }
    }

    /** Reap the registered, every one (the tick's backup, and the only way for unwatched ones). */
    private void reapRegistered() {
      for (Map.Entry<Integer, Child> entry : registered.entrySet()) {
        reap(entry.getKey(), entry.getValue());
      }
    }

    private void reap(int pid, Child child) {
      int[] status = new int[1];
      int result = posix.waitpid(pid, status, WaitFlags.WNOHANG.intValue());
      if (result == pid) {
        reaped.incrementAndGet();
        collect(pid, child, ExitStatus.fromWaitStatus(status[0]));
      } else if (result == -1) {
        int errno = posix.errno();
        if (errno == Errno.ECHILD.intValue()) {
          // Not our child (any more): someone else took it. "Already gone", not an error.
          vanished.incrementAndGet();
          collect(pid, child, ExitStatus.unknown());
          log.warn("reaper: pid {} is not our child any more; its exit status is unknown", pid);
        } else if (errno != Errno.EINTR.intValue()) {
          log.warn("reaper: waitpid({}) failed with errno {}; retrying next sweep", pid, errno);
        }
      }
    }

    private void collect(int pid, Child child, ExitStatus status) {
      registered.remove(pid);
      unwatched.remove(pid);
      int pidfd = child.pidfd();
      if (pidfd >= 0) {
        natives.epollDelete(epfd, pidfd);
      }
      outputs.drainOf(epfd, pid);
      try {
        child.collected(status);
      } catch (RuntimeException e) {
        log.error("reaper: a listener of pid {} failed", pid, e);
      }
    }

    private void recordSweep() {
      sweeps.incrementAndGet();
      lastSweepAt = Instant.now();
      lastSweepNanos = System.nanoTime();
    }
  }

  private synchronized ReaperProperties settings() {
    return settings;
  }
}
