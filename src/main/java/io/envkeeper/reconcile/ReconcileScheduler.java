package io.envkeeper.reconcile;

import io.envkeeper.cluster.LeaseAcquiredEvent;
import io.envkeeper.deadline.Backoff;
import io.envkeeper.environment.Ownership;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs reconcile passes: one at start-up before readiness turns UP (application runners finish
 * before the service reports ready), then every jittered interval, and at once when the lease is
 * (re)acquired. An accepted destroy does not ask for a pass: its destroyer starts that one
 * environment's teardown itself (a whole pass per destroy read every live row of the node, which
 * made destroying n environments cost n²); the periodic pass stays the safety net for a teardown
 * that could not start. All passes run on one thread, so two passes never overlap. While the database is
 * unreachable the interval backs off, up to {@code max-outage-backoff}.
 */
@Component
class ReconcileScheduler extends PhasedLifecycle implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ReconcileScheduler.class);
  /** Start late and stop early relative to the web server (which uses the default phase). */
  private static final int PHASE = Integer.MAX_VALUE - 2048;

  private final Reconciler reconciler;
  private final ReconcileStatus status;
  private final ReconcileProperties properties;
  private final Ownership ownership;
  private final AtomicBoolean passRequested = new AtomicBoolean();
  private ScheduledExecutorService executor;
  /** The start-up pass has run; later starts schedule passes themselves. */
  private boolean startedUp;

  ReconcileScheduler(
      Reconciler reconciler, ReconcileStatus status, ReconcileProperties properties, Ownership ownership) {
    super(PHASE);
    this.reconciler = reconciler;
    this.status = status;
    this.properties = properties;
    this.ownership = ownership;
  }

  @Override
  public void run(ApplicationArguments args) {
    pass();
    synchronized (this) {
      startedUp = true;
      if (running) {
        scheduleNext();
      }
    }
  }

  /** Also called again after a stop (a paused test context is restarted): passes resume then. */
  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("reconciler"));
    running = true;
    if (startedUp) {
      scheduleNext();
    }
  }

  /** Stops before the web server and the database go: no pass runs during shutdown. */
  @Override
  public synchronized void stop() {
    running = false;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** The lease was (re)acquired, or destroy wake-ups may have been missed: converge now. */
  @EventListener
  void onLeaseAcquired(LeaseAcquiredEvent event) {
    requestPass();
  }

  /** Asks for a pass as soon as possible; requests arriving meanwhile coalesce into it. */
  void requestPass() {
    if (running && passRequested.compareAndSet(false, true)) {
      try {
        executor.execute(() -> {
          passRequested.set(false);
          pass();
        });
      } catch (RejectedExecutionException e) {
        passRequested.set(false); // shutting down: the next start-up pass converges instead
      }
    }
  }

  private void scheduledPass() {
    pass();
    synchronized (this) {
      if (running) {
        scheduleNext();
      }
    }
  }

  private void pass() {
    if (!ownership.actsAsOwner()) {
      // Every action of a pass is an owner's: a node without its lease (or a second process with
      // its id) must not stop workers, tear down or recover anything. Not a failed pass either.
      log.debug("reconcile pass skipped: this node holds no lease");
      return;
    }
    try {
      status.record(reconciler.runPass());
    } catch (RuntimeException e) {
      log.error("reconcile pass failed unexpectedly", e);
    }
  }

  private void scheduleNext() {
    Duration delay = nextDelay();
    try {
      executor.schedule(this::scheduledPass, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: no further passes
    }
  }

  private Duration nextDelay() {
    int failures = status.consecutiveFailures();
    Duration base = failures == 0
        ? properties.interval()
        : new Backoff(properties.interval().multipliedBy(2), properties.maxOutageBackoff()).delay(failures);
    return Backoff.jittered(base, properties.jitter());
  }
}
