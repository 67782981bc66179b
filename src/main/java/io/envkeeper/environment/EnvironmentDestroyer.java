package io.envkeeper.environment;

import io.envkeeper.config.FaultInjection;
import io.envkeeper.config.FaultPoint;
import io.envkeeper.deadline.Await;
import io.envkeeper.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;

/**
 * Destroys environments. READY -> DESTROYING is committed in its own transaction before any
 * teardown starts; then the {@link TeardownStep}s run; then DESTROYING -> DESTROYED. Concurrent
 * requests for one environment share a single teardown. A failed teardown leaves the environment
 * DESTROYING with {@code destroyAttempts} and {@code lastError} recorded, never READY again.
 */
@Service
public class EnvironmentDestroyer {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentDestroyer.class);
  private static final int MAX_OPTIMISTIC_RETRIES = 5;

  private final EnvironmentRepository environments;
  private final List<TeardownStep> steps;
  private final TransactionTemplate transaction;
  private final Executor teardownExecutor;
  private final Clock clock;
  private final FaultInjection faults;
  private final ApplicationEventPublisher events;
  private final Ownership ownership;
  private final Timer destroyDuration;
  /** Each completes with the DESTROYED row its attempt committed, or null when it did not get there. */
  private final ConcurrentMap<UUID, CompletableFuture<Environment>> teardownsInFlight = new ConcurrentHashMap<>();

  EnvironmentDestroyer(
      EnvironmentRepository environments,
      List<TeardownStep> steps,
      TransactionTemplate transaction,
      @Qualifier(TeardownExecutorConfiguration.TEARDOWN_EXECUTOR) Executor teardownExecutor,
      Clock clock,
      FaultInjection faults,
      ApplicationEventPublisher events,
      Ownership ownership,
      MeterRegistry meters) {
    this.environments = environments;
    this.steps = List.copyOf(steps);
    this.transaction = transaction;
    this.teardownExecutor = teardownExecutor;
    this.clock = clock;
    this.faults = faults;
    this.events = events;
    this.ownership = ownership;
    this.destroyDuration =
        Timer.builder("envkeeper.destroy.duration")
            .description("Time from an accepted destroy to DESTROYED")
            .register(meters);
  }

  /**
   * Accepts a destroy and starts (or joins) its teardown, waiting up to {@code wait} for it.
   * Idempotent: a repeat never starts a second teardown beside a running one. Another tenant's
   * environment is "not found" and is left untouched.
   *
   * @return the environment as it stands after the wait
   */
  public Environment destroy(UUID id, Duration wait, Caller caller) {
    Accepted accepted = beginDestroy(id, caller);
    Environment environment = accepted.environment();
    if (environment.getStatus() != EnvironmentStatus.DESTROYING) {
      return environment;
    }
    faults.reached(FaultPoint.AFTER_DESTROYING_COMMIT);
    if (!isOwnedHere(environment)) {
      // Accepted for another node (woken through the database), or while this node holds no
      // lease (its reconciler takes it once it holds one again): nothing runs here. The answer
      // waits until the owner can no longer show the environment READY from its memory.
      if (accepted.announcedToOwner()) {
        ownership.awaitDestroySeen(id, environment.getNode());
      }
      return environment;
    }
    events.publishEvent(new DestroyAcceptedEvent(id));
    CompletableFuture<Environment> teardown = tearDown(id, null, fitsInto(environment, wait));
    if (!wait.isZero() && !wait.isNegative()) {
      Await.completion(teardown, wait); // past it, answered with the row as it stands: DESTROYING
    }
    // DESTROYED is final: the row the teardown committed is the one a read would return now.
    Environment destroyed = teardown.getNow(null);
    return destroyed != null ? destroyed : environments.findById(id).orElseThrow(() -> new EnvironmentNotFoundException(id));
  }

  /**
   * Expiry's destroy: READY -> DESTROYING with {@code reason}, but only if the row is still READY at
   * {@code expectedVersion}, the version the caller based its decision on. The move is an
   * optimistic update of that version, so of two nodes or two passes acting on the same decision
   * exactly one wins, and a change made since the decision (a PATCH putting the deadline off, a
   * client's destroy) makes it lose. The winner starts the teardown as a client's destroy does and
   * does not wait for it. Like every owner action it commits under the node's lease ({@link
   * Ownership#fence()}: a node that lost it expires nothing).
   *
   * @return whether this call moved the environment to DESTROYING
   * @throws NotOwnerException if this process does not hold its node's lease
   */
  public boolean expire(UUID id, long expectedVersion, DestroyReason reason) {
    boolean moved;
    try {
      moved = Boolean.TRUE.equals(transaction.execute(status -> {
        // An owner's decision (made from this node's activity): committed only under its lease.
        ownership.fence();
        Environment environment = environments.findById(id).orElse(null);
        if (environment == null
            || environment.getStatus() != EnvironmentStatus.READY
            || environment.getVersion() != expectedVersion) {
          return false;
        }
        environment.beginDestroy(now(), reason);
        environments.saveAndFlush(environment);
        if (!environment.getNode().equals(ownership.localNode())) {
          ownership.announceDestroy(id, environment.getNode()); // as a client's destroy does; on commit
        }
        return true;
      }));
    } catch (ObjectOptimisticLockingFailureException e) {
      moved = false; // another node, pass or request changed the row first: its outcome stands
    }
    if (!moved) {
      return false;
    }
    faults.reached(FaultPoint.AFTER_DESTROYING_COMMIT);
    events.publishEvent(new DestroyAcceptedEvent(id));
    tearDown(id);
    return true;
  }

  /**
   * Starts the teardown of a DESTROYING environment unless one is already running here, and
   * returns the running one. Completes normally also when the attempt failed (it was recorded).
   */
  public CompletableFuture<Environment> tearDown(UUID id) {
    return tearDown(id, null, false);
  }

  /**
   * The reconciler's retry: like {@link #tearDown(UUID)}, but only if the row still shows the
   * {@code attemptsSeen} the reconciler based its decision on (an attempt that finished since then
   * must not be followed at once by another, outside the backoff).
   */
  public CompletableFuture<Environment> retryTearDown(UUID id, int attemptsSeen) {
    return tearDown(id, attemptsSeen, false);
  }

  /**
   * Whether a caller that waits up to {@code wait} may run the teardown itself: only when every
   * step's bound together fits into the wait, so the answer still comes within it. Saves the hand-off
   * to the teardown executor and back (two thread wake-ups, each a scheduling delay on a busy host).
   */
  private boolean fitsInto(Environment environment, Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return false;
    }
    TeardownTarget target = TeardownTarget.of(environment);
    Duration bound = Duration.ZERO;
    for (TeardownStep step : steps) {
      bound = bound.plus(step.bound(target));
    }
    return bound.compareTo(wait) <= 0;
  }

  /**
   * Starts the teardown unless one runs here already (then joins it): on the caller's thread when
   * {@code onThisThread} (the returned future is then complete), else on the teardown executor.
   */
  private CompletableFuture<Environment> tearDown(UUID id, Integer attemptsSeen, boolean onThisThread) {
    CompletableFuture<Environment> mine = new CompletableFuture<>();
    CompletableFuture<Environment> running = teardownsInFlight.putIfAbsent(id, mine);
    if (running != null) {
      return running;
    }
    Runnable attempt = () -> {
      Environment destroyed = null;
      try {
        destroyed = runTeardown(id, attemptsSeen);
      } catch (RuntimeException | Error e) {
        log.error("environment {}: teardown could not record its outcome", id, e);
      } finally {
        teardownsInFlight.remove(id, mine);
        mine.complete(destroyed);
      }
    };
    if (onThisThread) {
      attempt.run();
      return mine;
    }
    try {
      teardownExecutor.execute(attempt);
    } catch (RuntimeException rejected) {
      teardownsInFlight.remove(id, mine);
      mine.complete(null);
      log.warn("environment {}: teardown not started ({}); it stays DESTROYING", id, rejected.toString());
    }
    return mine;
  }

  /** The row after the accepting transaction; whether that transaction woke another node, its owner. */
  private record Accepted(Environment environment, boolean announcedToOwner) {}

  private Accepted beginDestroy(UUID id, Caller caller) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction.execute(
            status -> {
              Environment environment =
                  environments
                      .findById(id)
                      .filter(row -> caller.canAccess(row.getTenant()))
                      .orElseThrow(() -> new EnvironmentNotFoundException(id));
              boolean announced = false;
              if (environment.getStatus() == EnvironmentStatus.READY) {
                environment.beginDestroy(now(), DestroyReason.CLIENT);
                environments.saveAndFlush(environment);
                if (!environment.getNode().equals(ownership.localNode())) {
                  ownership.announceDestroy(id, environment.getNode()); // delivered on commit
                  announced = true;
                }
              }
              return new Accepted(environment, announced);
            });
      } catch (ObjectOptimisticLockingFailureException e) {
        // Another request moved the row first; read it again and join its outcome.
        if (attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw e;
        }
      }
    }
  }

  /** @return the DESTROYED row this attempt committed, or null */
  private Environment runTeardown(UUID id, Integer attemptsSeen) {
    Environment environment = environments.findById(id).orElse(null);
    if (environment == null || environment.getStatus() != EnvironmentStatus.DESTROYING) {
      return null; // finished by an earlier attempt: nothing to do twice
    }
    if (attemptsSeen != null && environment.getDestroyAttempts() != attemptsSeen) {
      return null; // another attempt ran since the caller looked; its backoff applies
    }
    if (!isOwnedHere(environment)) {
      log.info("environment {}: teardown not started here (owner {}, this node acts as owner: {})",
          id, environment.getNode(), ownership.actsAsOwner());
      return null;
    }
    TeardownTarget target = TeardownTarget.of(environment);
    for (TeardownStep step : steps) {
      try {
        step.tearDown(target);
      } catch (Throwable e) {
        // Errors too: a StackOverflowError of a step once went unrecorded (attempts 0, no error),
        // leaving nobody a reason. The environment stays DESTROYING and the reconciler retries.
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        String error = ClassUtils.getUserClass(step).getSimpleName() + " failed: " + e;
        if (e instanceof Error) {
          log.error("environment {}: teardown failed with an Error, stays DESTROYING: {}", id, error, e);
        } else {
          log.warn("environment {}: teardown failed, stays DESTROYING: {}", id, error);
        }
        update(target, row -> row.recordTeardownFailure(error, now()));
        return null;
      }
    }
    faults.reached(FaultPoint.AFTER_DIRECTORY_REMOVAL);
    Environment destroyed = update(target, row -> row.markDestroyed(now()));
    destroyDuration.record(Duration.between(environment.getDestroyRequestedAt(), now()));
    return destroyed;
  }

  /**
   * Records the teardown's outcome ({@code change}) in one transaction, with what each step records
   * beside it (the workers' ends: one commit instead of one more per worker); returns the row as
   * committed.
   */
  private Environment update(TeardownTarget target, Consumer<Environment> change) {
    UUID id = target.id();
    return transaction.execute(
        status -> {
          ownership.fence(); // a node that lost its lease commits nothing as owner
          Environment row = environments.findById(id).orElseThrow(() -> new EnvironmentNotFoundException(id));
          change.accept(row);
          Environment saved = environments.saveAndFlush(row);
          steps.forEach(step -> step.recordOutcome(target));
          return saved;
        });
  }

  /** Whether this node owns the environment and may act as its owner right now. */
  private boolean isOwnedHere(Environment environment) {
    return environment.getNode().equals(ownership.localNode()) && ownership.actsAsOwner();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
