package io.envkeeper.expiry;

import io.envkeeper.environment.DestroyAcceptedEvent;
import io.envkeeper.environment.DestroyReason;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentDestroyer;
import io.envkeeper.environment.EnvironmentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Expiry's part of a reconcile pass, run by the owner of the environments (the node the reconciler
 * lists them for, where their activity is): for each READY environment, its deadline is announced
 * once within reach ({@code expiring}) and, once due, carried out through the normal destroy path
 * with reason {@code ttl} or {@code idle}. The destroy is conditional on the row version the pass
 * read, so a change since (a PATCH, a client's destroy, another node acting on the same row) wins
 * and the environment is looked at again next pass: it is never expired twice.
 */
@Component
public class ExpiryPass {

  private static final Logger log = LoggerFactory.getLogger(ExpiryPass.class);

  private final ExpiryOutlooks outlooks;
  private final ExpiryWarnings warnings;
  private final ActivityTracker activity;
  private final EnvironmentDestroyer destroyer;
  private final ExpiryStatus status;
  private final Clock clock;
  private final Map<DestroyReason, Counter> expired = new EnumMap<>(DestroyReason.class);

  ExpiryPass(
      ExpiryOutlooks outlooks,
      ExpiryWarnings warnings,
      ActivityTracker activity,
      EnvironmentDestroyer destroyer,
      ExpiryStatus status,
      Clock clock,
      MeterRegistry meters) {
    this.outlooks = outlooks;
    this.warnings = warnings;
    this.activity = activity;
    this.destroyer = destroyer;
    this.status = status;
    this.clock = clock;
    for (DestroyReason reason : List.of(DestroyReason.TTL, DestroyReason.IDLE)) {
      expired.put(reason, Counter.builder("envkeeper.environments.expired")
          .description("Environments this node destroyed because their deadline passed, by reason")
          .tag("reason", reason.wireName())
          .register(meters));
    }
  }

  /**
   * Looks at this node's READY environments, as listed at {@code listedAt}. Never throws: one
   * environment's failure is logged and the pass carries on.
   *
   * @return how many environments this pass expired
   */
  public int run(List<Environment> environments, Instant listedAt) {
    Instant now = clock.instant();
    List<Environment> ready =
        environments.stream().filter(environment -> environment.getStatus() == EnvironmentStatus.READY).toList();
    int expiredNow = 0;
    int overdue = 0;
    Instant oldestDue = null;
    for (Environment environment : ready) {
      ExpiryOutlook outlook = null;
      try {
        outlook = outlooks.of(environment);
        warnings.update(environment.getId(), outlook, now);
        if (outlook.isDue(now) && expire(environment, outlook)) {
          expiredNow++;
          continue;
        }
      } catch (RuntimeException e) {
        log.warn("environment {}: expiry failed, retried next pass: {}", environment.getId(), e.toString());
      }
      if (outlook != null && outlook.isDue(now)) {
        overdue++;
        oldestDue = Activity.earliest(oldestDue, outlook.destroyAt());
      }
    }
    Set<UUID> readyIds = ready.stream().map(Environment::getId).collect(Collectors.toSet());
    activity.retainOnly(readyIds, listedAt);
    warnings.retainOnly(readyIds);
    status.record(now, overdue, oldestDue);
    return expiredNow;
  }

  private boolean expire(Environment environment, ExpiryOutlook outlook) {
    boolean won = destroyer.expire(environment.getId(), environment.getVersion(), outlook.reason());
    if (won) {
      expired.get(outlook.reason()).increment();
      log.info("environment {}: expired ({}: due at {}, last activity {}, idle timeout {}, expiresAt {})",
          environment.getId(), outlook.reason().wireName(), outlook.destroyAt(), outlook.lastActivityAt(),
          environment.getIdleTimeout(), environment.getExpiresAt());
    } else {
      log.info("environment {}: not expired: the row changed since the pass read it; looked at again next pass",
          environment.getId());
    }
    return won;
  }

  /** Whatever the reason of a destroy, this node no longer keeps anything of the environment's activity. */
  @EventListener
  void onDestroyAccepted(DestroyAcceptedEvent event) {
    activity.forget(event.environmentId());
    warnings.forget(event.environmentId());
  }
}
