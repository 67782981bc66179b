package io.envkeeper.runtime.process;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jnr.constants.platform.Errno;
import jnr.constants.platform.WaitFlags;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Reaps exactly the pids registered with it: {@code waitpid(pid, WNOHANG)} per registered pid, never
 * {@code waitpid(-1)}, which would steal exit codes from the JDK's own process reaper and from
 * anyone else. The sweep thread waits in {@code poll} on the registered pids' pidfds, so an exit
 * wakes it directly; a SIGCHLD wakes it too (signals coalesce, so every registered pid is swept on
 * each wake), and a slow tick sweeps as well. Registration is a one-way door: a pid leaves only when waitpid
 * returns it (its status goes to the listener) or says it is not our child.
 *
 * <p>As child subreaper it also adopts orphaned descendants of workers: an unregistered zombie child
 * is reaped once it has been a zombie for {@code adopt-grace}, and never while a spawn of this JVM
 * has not registered its pid yet ({@link #spawning}). If the sweep thread dies it is
 * respawned, with an ERROR, on the next registration or health check.
 */
@Component
public class ScopedReaper implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ScopedReaper.class);
  /** Ticks without a sweep, while pids are registered, after which the reaper counts as stalled. */
  static final int STALL_TICKS = 3;

  /** Receives the end of a registered process, on the sweep thread: must return at once. */
  public interface ExitListener {
    void exited(ExitStatus status);
  }

  /** A consistent copy of the reaper's counters. */
  public record Stats(
      int registered, long reapedTotal, long vanishedTotal, long adoptedTotal, long sweeps,
      Instant lastSweepAt, boolean workerAlive, long respawns, int zombies, boolean subreaper) {}

  /**
   * Pids registered with any reaper of this JVM. Orphan adoption never takes one of them, even
   * when several application contexts (tests) each run a reaper in one process.
   */
  private static final Set<Integer> REGISTERED_IN_JVM = ConcurrentHashMap.newKeySet();

  /**
   * Spawns of this JVM between {@code posix_spawn} and {@link #register}: their child exists but is
   * not claimed yet. A child that exits at once is an unclaimed zombie until it is registered, and a
   * pause of the spawning thread (a long GC, an overloaded host) must not let adoption take it.
   */
  private static final AtomicInteger SPAWNS_IN_FLIGHT = new AtomicInteger();

  /** Held from before a spawn until its pid is registered (or the spawn failed); see {@link #spawning}. */
  public interface PendingSpawn extends AutoCloseable {
    @Override
    void close();
  }

  private final NativeProcesses natives;
  private final Runnable wakeOnSignal = this::wake;
  private final POSIX posix;
  private final ReaperProperties properties;
  private final int selfPid;
  private final boolean subreaper;
  /** A registered pid: who hears of its end, and a pidfd the sweep thread polls (-1 without pidfds). */
  private record Registration(ExitListener listener, int pidfd) {}

  private final Map<Integer, Registration> registered = new ConcurrentHashMap<>();
  /** Written to wake the sweep thread out of poll (a registration, a SIGCHLD, shutdown). */
  private final int[] wakePipe;
  private final AtomicLong reaped = new AtomicLong();
  private final AtomicLong vanished = new AtomicLong();
  private final AtomicLong adopted = new AtomicLong();
  private final AtomicLong sweeps = new AtomicLong();
  private final AtomicLong respawns = new AtomicLong();
  /** Adopted zombies by pid, with when each was first seen (sweep thread only). */
  private final Map<Integer, Long> zombiesSeenAt = new HashMap<>();
  private volatile int zombies;
  private volatile Instant lastSweepAt;
  private volatile long lastSweepNanos = System.nanoTime();
  private long lastOrphanScanNanos;
  private volatile Thread sweeper;
  private volatile boolean stopped;

  ScopedReaper(NativeProcesses natives, ReaperProperties properties, MeterRegistry meters) {
    this.natives = natives;
    this.posix = natives.posix();
    this.properties = properties;
    this.selfPid = posix.getpid();
    this.subreaper = properties.subreaper() && natives.becomeChildSubreaper();
    this.wakePipe = natives.wakePipe();
    natives.onChildSignal(wakeOnSignal);
    startSweeper();
    registerMetrics(meters);
  }

  /** Whether any reaper of this JVM holds {@code pid} (a worker leader, never an adopted orphan). */
  static boolean isRegisteredInJvm(int pid) {
    return REGISTERED_IN_JVM.contains(pid);
  }

  /**
   * Announces a spawn whose pid will be registered: no reaper of this JVM adopts a zombie while one
   * is pending. Close it once the pid is registered or the spawn failed (try-with-resources).
   */
  public static PendingSpawn spawning() {
    SPAWNS_IN_FLIGHT.incrementAndGet();
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        SPAWNS_IN_FLIGHT.decrementAndGet();
      }
    };
  }

  /** Takes {@code pid} into the registry; its end goes to {@code listener}. */
  public void register(int pid, ExitListener listener) {
    REGISTERED_IN_JVM.add(pid);
    registered.put(pid, new Registration(listener, natives.pidfdOpen(pid)));
    ensureAlive();
    wake(); // its SIGCHLD may have come before it was registered
  }

  public boolean isRegistered(int pid) {
    return registered.containsKey(pid);
  }

  /** Sweeps soon (a SIGCHLD arrived, or something wants a prompt answer). Never blocks. */
  public void wake() {
    natives.signalWakePipe(wakePipe);
  }

  /** Respawns the sweep thread if it died; true if it was alive. */
  public synchronized boolean ensureAlive() {
    Thread current = sweeper;
    if (stopped || (current != null && current.isAlive())) {
      return true;
    }
    respawns.incrementAndGet();
    log.error("reaper sweep thread was dead; respawning it (respawn #{})", respawns.get());
    startSweeper();
    return false;
  }

  public Stats stats() {
    Thread current = sweeper;
    return new Stats(
        registered.size(), reaped.get(), vanished.get(), adopted.get(), sweeps.get(), lastSweepAt,
        current != null && current.isAlive(), respawns.get(), zombies, subreaper);
  }

  /** The current sweep thread (tests stop it on purpose to check the respawn). */
  Thread sweeperThread() {
    return sweeper;
  }

  /** Stalled: pids are waiting but no sweep ran for {@value #STALL_TICKS} ticks. */
  public boolean isStalled() {
    long sinceSweep = System.nanoTime() - lastSweepNanos;
    return !registered.isEmpty() && sinceSweep > properties.tick().toNanos() * STALL_TICKS;
  }

  private synchronized void startSweeper() {
    Thread thread = new Thread(this::sweepLoop, "reaper");
    thread.setDaemon(true);
    sweeper = thread;
    thread.start();
  }

  /**
   * Waits in {@code poll} on the pidfds of every registered pid and the wake pipe: a worker's exit
   * makes its pidfd readable and wakes this thread directly (one scheduling hop, as for a parent
   * blocked in waitpid). SIGCHLD (through the JVM's signal thread) and the tick are the backups.
   */
  private void sweepLoop() {
    int tickMillis = (int) Math.min(Integer.MAX_VALUE, properties.tick().toMillis());
    LinuxProcessCalls.PollBuffer buffer = natives.pollBuffer(); // this thread's own
    while (!stopped) {
      boolean woken = natives.awaitReadable(buffer, pollSet(), tickMillis);
      if (Thread.currentThread().isInterrupted()) {
        return; // stopped on purpose: the next registration or health check respawns the thread
      }
      natives.drainWakePipe(wakePipe);
      sweep(!woken);
    }
  }

  private int[] pollSet() {
    int[] fds = new int[registered.size() + 1];
    int count = 0;
    fds[count++] = wakePipe[0];
    for (Registration registration : registered.values()) {
      if (registration.pidfd() >= 0 && count < fds.length) {
        fds[count++] = registration.pidfd();
      }
    }
    return count == fds.length ? fds : java.util.Arrays.copyOf(fds, count);
  }

  private void sweep(boolean tick) {
    for (Map.Entry<Integer, Registration> entry : registered.entrySet()) {
      reapRegistered(entry.getKey(), entry.getValue().listener());
    }
    long now = System.nanoTime();
    // Orphans read all of /proc: once per tick at most, after the registered pids were reaped,
    // so a storm of SIGCHLDs is not slowed by it (nor starves it).
    if (tick || now - lastOrphanScanNanos >= properties.tick().toNanos()) {
      lastOrphanScanNanos = now;
      reapAdoptedOrphans(now);
    }
    sweeps.incrementAndGet();
    lastSweepAt = Instant.now();
    lastSweepNanos = now;
  }

  private void reapRegistered(int pid, ExitListener listener) {
    int[] status = new int[1];
    int result = posix.waitpid(pid, status, WaitFlags.WNOHANG.intValue());
    if (result == pid) {
      unregister(pid);
      reaped.incrementAndGet();
      deliver(pid, listener, ExitStatus.fromWaitStatus(status[0]));
    } else if (result == -1) {
      int errno = posix.errno();
      if (errno == Errno.ECHILD.intValue()) {
        // Not our child (any more): someone else took it. "Already gone", not an error.
        unregister(pid);
        vanished.incrementAndGet();
        log.warn("reaper: pid {} is not our child any more; its exit status is unknown", pid);
        deliver(pid, listener, ExitStatus.unknown());
      } else if (errno != Errno.EINTR.intValue()) {
        log.warn("reaper: waitpid({}) failed with errno {}; retrying next sweep", pid, errno);
      }
    }
  }

  /** Only ever on the sweep thread, so a pidfd is never closed while poll watches it. */
  private void unregister(int pid) {
    Registration registration = registered.remove(pid);
    REGISTERED_IN_JVM.remove(pid);
    if (registration != null && registration.pidfd() >= 0) {
      posix.close(registration.pidfd());
    }
  }

  private void deliver(int pid, ExitListener listener, ExitStatus status) {
    try {
      listener.exited(status);
    } catch (RuntimeException e) {
      log.error("reaper: listener of pid {} failed", pid, e);
    }
  }

  /** Reaps zombie children nobody registered once they are older than the grace. */
  private void reapAdoptedOrphans(long now) {
    Set<Integer> current = new HashSet<>();
    for (ProcStat process : ProcStat.all()) {
      if (process.ppid() == selfPid && process.isZombie() && !REGISTERED_IN_JVM.contains(process.pid())) {
        current.add(process.pid());
      }
    }
    zombiesSeenAt.keySet().retainAll(current);
    // Read after the scan: a zombie seen there that is a pending spawn's child keeps the count up
    // until it is registered, and a registered one is skipped below.
    boolean spawnPending = SPAWNS_IN_FLIGHT.get() > 0;
    for (int pid : current) {
      long seenAt = zombiesSeenAt.computeIfAbsent(pid, unused -> now);
      if (!spawnPending && now - seenAt >= properties.adoptGrace().toNanos() && !REGISTERED_IN_JVM.contains(pid)) {
        int[] status = new int[1];
        if (posix.waitpid(pid, status, WaitFlags.WNOHANG.intValue()) == pid) {
          zombiesSeenAt.remove(pid);
          adopted.incrementAndGet();
          log.info("reaper: reaped adopted orphan pid {} ({})", pid, ExitStatus.fromWaitStatus(status[0]));
        }
      }
    }
    zombies = zombiesSeenAt.size();
  }

  private void registerMetrics(MeterRegistry meters) {
    Gauge.builder("envkeeper.reaper.registered", registered, Map::size)
        .description("Pids registered with the scoped reaper").register(meters);
    FunctionCounter.builder("envkeeper.reaper.reaped", reaped, AtomicLong::get)
        .description("Registered pids reaped").register(meters);
    FunctionCounter.builder("envkeeper.reaper.vanished", vanished, AtomicLong::get)
        .description("Registered pids that were no longer our children").register(meters);
    FunctionCounter.builder("envkeeper.reaper.adopted", adopted, AtomicLong::get)
        .description("Adopted orphan zombies reaped").register(meters);
    FunctionCounter.builder("envkeeper.reaper.sweeps", sweeps, AtomicLong::get)
        .description("Reaper sweeps").register(meters);
    FunctionCounter.builder("envkeeper.reaper.respawns", respawns, AtomicLong::get)
        .description("Times the sweep thread was found dead and respawned").register(meters);
    Gauge.builder("envkeeper.reaper.zombies", this, reaper -> reaper.zombies)
        .description("Unregistered zombie children waiting for the adoption grace").register(meters);
    Gauge.builder("envkeeper.reaper.worker.alive", this, reaper -> reaper.stats().workerAlive() ? 1 : 0)
        .description("1 while the sweep thread runs").register(meters);
  }

  @Override
  public void destroy() {
    stopped = true;
    natives.removeChildSignalListener(wakeOnSignal);
    Thread current = sweeper;
    if (current != null) {
      current.interrupt();
      wake();
      try {
        current.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
