package io.envkeeper.reconcile;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.EnvironmentStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * One level-triggered pass over this node's environments that are not DESTROYED (the query uses the
 * partial index, so its cost follows live environments, not the history of tombstones): every
 * DESTROYING environment whose backoff has passed gets its teardown (re)started. One environment's
 * failure never stops the pass; an unreachable database skips the pass and changes nothing.
 */
@Component
public class Reconciler {

  static final String ACTION_DESTROY_RETRIED = "destroy_retried";

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final EnvironmentRepository environments;
  private final EnvironmentDestroyer destroyer;
  private final ReconcileProperties properties;
  private final NodeProperties node;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Timer passDuration;

  Reconciler(
      EnvironmentRepository environments,
      EnvironmentDestroyer destroyer,
      ReconcileProperties properties,
      NodeProperties node,
      Clock clock,
      MeterRegistry meters) {
    this.environments = environments;
    this.destroyer = destroyer;
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
    List<Environment> live;
    try {
      live = environments.findLiveOnNode(node.id());
    } catch (DataAccessException | TransactionException e) {
      log.warn("reconcile pass skipped: database unreachable ({})", e.getMessage());
      return ReconcileOutcome.databaseUnreachable(elapsedSince(started));
    }
    Map<String, Integer> actions = new TreeMap<>();
    int failures = 0;
    Instant now = clock.instant();
    List<Environment> destroying =
        live.stream().filter(e -> e.getStatus() == EnvironmentStatus.DESTROYING).toList();
    for (Environment environment : destroying) {
      try {
        if (isDue(environment, now)) {
          destroyer.tearDown(environment.getId());
          count(actions, ACTION_DESTROY_RETRIED);
        }
      } catch (RuntimeException e) {
        failures++;
        log.warn("environment {}: reconcile action failed: {}", environment.getId(), e.toString());
      }
    }
    Instant oldest =
        destroying.stream()
            .map(Environment::getDestroyRequestedAt)
            .min(Comparator.naturalOrder())
            .orElse(null);
    Duration duration = elapsedSince(started);
    passDuration.record(duration);
    return new ReconcileOutcome(true, actions, failures, destroying.size(), oldest, duration);
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

  private void count(Map<String, Integer> actions, String action) {
    actions.merge(action, 1, Integer::sum);
    meters.counter("envkeeper.reconcile.actions", "action", action).increment();
  }

  private static Duration elapsedSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
