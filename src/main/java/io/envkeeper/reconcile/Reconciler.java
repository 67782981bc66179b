package io.envkeeper.reconcile;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.expiry.ExpiryPass;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.process.WorkerSupervisor;
import io.envkeeper.worker.WorkerRecovery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * One level-triggered pass over this node's environments that are not DESTROYED (the query uses a
 * partial index, so its cost follows live environments, not the history of tombstones):
 *
 * <ol>
 *   <li>runtimes whose environment is not READY (or gone) are torn down;
 *   <li>every DESTROYING environment whose backoff has passed gets its teardown (re)started;
 *   <li>READY environments without a runtime get one (their watcher);
 *   <li>worker crash recovery: rows of earlier runs whose process handle is gone are stopped or
 *       marked LOST, and worker ends that could not be recorded earlier are recorded;
 *   <li>expiry: READY environments whose TTL or idle deadline has come are announced and destroyed
 *       (this node owns them and holds their activity).
 * </ol>
 *
 * One environment's failure never stops the pass; an unreachable database skips the pass and
 * changes nothing, so a database outage never tears down a READY environment's runtime.
 */
@Component
public class Reconciler {

  static final String ACTION_DESTROY_RETRIED = "destroy_retried";
  static final String ACTION_RUNTIME_TORN_DOWN = "runtime_torn_down";
  static final String ACTION_RUNTIME_STARTED = "runtime_started";
  static final String ACTION_WORKERS_RECOVERED = "workers_recovered";
  static final String ACTION_EXPIRED = "expired";

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final EnvironmentRepository environments;
  private final EnvironmentDestroyer destroyer;
  private final RuntimeManager runtimes;
  private final WorkerRecovery workerRecovery;
  private final WorkerSupervisor workerSupervisor;
  private final ExpiryPass expiryPass;
  private final ReconcileProperties properties;
  private final NodeProperties node;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Timer passDuration;

  Reconciler(
      EnvironmentRepository environments,
      EnvironmentDestroyer destroyer,
      RuntimeManager runtimes,
      WorkerRecovery workerRecovery,
      WorkerSupervisor workerSupervisor,
      ExpiryPass expiryPass,
      ReconcileProperties properties,
      NodeProperties node,
      Clock clock,
      MeterRegistry meters) {
    this.environments = environments;
    this.destroyer = destroyer;
    this.runtimes = runtimes;
    this.workerRecovery = workerRecovery;
    this.workerSupervisor = workerSupervisor;
    this.expiryPass = expiryPass;
    this.properties = properties;
    this.node = node;
    this.clock = clock;
    this.meters = meters;
    this.passDuration =
        Timer.builder("envkeeper.reconcile.duration").description("Duration of reconcile passes").register(meters);
  }

  /** Runs one pass. Never throws: the outcome says what happened. */
  public ReconcileOutcome runPass() {
    long started = System.nanoTime();
    Instant listedAt = clock.instant();
    List<Environment> live;
    try {
      live = environments.findLiveOnNode(node.id());
    } catch (DataAccessException | TransactionException e) {
      log.warn("reconcile pass skipped: database unreachable ({})", e.getMessage());
      return ReconcileOutcome.databaseUnreachable(elapsedSince(started));
    }
    Pass pass = new Pass();
    Set<UUID> ready =
        live.stream().filter(e -> e.getStatus() == EnvironmentStatus.READY).map(Environment::getId)
            .collect(Collectors.toSet());
    List<Environment> destroying =
        live.stream().filter(e -> e.getStatus() == EnvironmentStatus.DESTROYING).toList();

    for (UUID id : runtimes.liveIds()) {
      if (!ready.contains(id)) {
        pass.act(id, ACTION_RUNTIME_TORN_DOWN, runtimes::teardownIfNotReady);
      }
    }
    Instant now = clock.instant();
    for (Environment environment : destroying) {
      if (isDue(environment, now)) {
        pass.act(environment.getId(), ACTION_DESTROY_RETRIED,
            id -> destroyer.retryTearDown(id, environment.getDestroyAttempts()) != null);
      }
    }
    for (UUID id : ready) {
      if (runtimes.find(id).isEmpty() && !runtimes.isTombstoned(id)) {
        pass.act(id, ACTION_RUNTIME_STARTED, missing -> runtimes.ensure(missing) != null);
      }
    }
    pass.act(null, ACTION_WORKERS_RECOVERED, unused -> {
      workerSupervisor.recordPendingEnds();
      return workerRecovery.recoverAll() > 0;
    });
    pass.act(null, ACTION_EXPIRED, unused -> expiryPass.run(live, listedAt) > 0);

    Instant oldest =
        destroying.stream().map(Environment::getDestroyRequestedAt).min(Comparator.naturalOrder()).orElse(null);
    Duration duration = elapsedSince(started);
    passDuration.record(duration);
    return new ReconcileOutcome(true, pass.actions, pass.failures, destroying.size(), oldest, duration);
  }

  /** Per-environment exponential backoff, read from the row itself so it survives restarts. */
  private boolean isDue(Environment environment, Instant now) {
    int attempts = environment.getDestroyAttempts();
    if (attempts == 0) {
      return true; // never attempted (e.g. crashed right after DESTROYING was committed)
    }
    long factor = 1L << Math.min(attempts - 1, 20);
    Duration backoff = properties.destroyRetryBase().multipliedBy(factor);
    if (backoff.compareTo(properties.destroyRetryMax()) > 0) {
      backoff = properties.destroyRetryMax();
    }
    return !now.isBefore(environment.getUpdatedAt().plus(backoff));
  }

  private static Duration elapsedSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** The actions and failures of one pass; one environment's failure is recorded, not thrown. */
  private final class Pass {
    private final Map<String, Integer> actions = new TreeMap<>();
    private int failures;

    /** Runs {@code step}, which answers whether it acted. */
    void act(UUID id, String action, Predicate<UUID> step) {
      try {
        if (step.test(id)) {
          actions.merge(action, 1, Integer::sum);
          meters.counter("envkeeper.reconcile.actions", "action", action).increment();
        }
      } catch (RuntimeException e) {
        failures++;
        log.warn("environment {}: reconcile action {} failed: {}", id, action, e.toString());
      }
    }
  }
}
