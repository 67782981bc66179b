package io.envkeeper.worker;

import io.envkeeper.environment.NotOwnerException;
import io.envkeeper.environment.Ownership;
import io.envkeeper.runtime.process.ExitStatus;
import io.envkeeper.runtime.process.StopOutcome;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerLifecycle;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps worker rows in step with their processes: the one place a worker row is written (RUNNING,
 * BACKOFF, STOPPING, EXITED, LOST, a restart, readiness). Idempotent: an end reported twice (the
 * exit seen by the reaper, then the stop that caused it) changes the row once.
 */
@Component
record WorkerRecords(
    WorkerRepository workers, TransactionTemplate transaction, Clock clock, Ownership ownership, WorkerEvents events)
    implements WorkerLifecycle {

  private static final int MAX_OPTIMISTIC_RETRIES = 5;

  /** Inserts the row of a worker just spawned (inside the caller's transaction). */
  Worker started(Worker row) {
    return workers.saveAndFlush(row);
  }

  /** What a row records of a spawned process. */
  static Worker.Spawned spawned(WorkerHandle worker) {
    return new Worker.Spawned(worker.pid(), worker.pgid(), worker.startTicks(), worker.bootId(), worker.startedAt(),
        worker.hasReadyLine() ? null : worker.startedAt());
  }

  /** RUNNING or BACKOFF -> STOPPING for all of them in one transaction: one commit, however many workers. */
  @Override
  public void stopping(Collection<WorkerHandle> stopping) {
    for (int attempt = 1; ; attempt++) {
      List<Worker> changed = new ArrayList<>();
      try {
        transaction.executeWithoutResult(status -> {
          ownership.fence();
          for (WorkerHandle worker : stopping) {
            workers.findById(worker.workerId()).ifPresent(row -> {
              if (row.getStatus() == WorkerStatus.RUNNING || row.getStatus() == WorkerStatus.BACKOFF) {
                row.beginStop();
                changed.add(workers.saveAndFlush(row));
              }
            });
          }
        });
        changed.forEach(events::statusChanged);
        return;
      } catch (ObjectOptimisticLockingFailureException e) {
        if (attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw e;
        }
      }
    }
  }

  /** RUNNING or BACKOFF -> STOPPING, committed; a row already stopping or ended is left as it is. */
  void beginStop(UUID workerId) {
    update(workerId, row -> row.getStatus() == WorkerStatus.RUNNING || row.getStatus() == WorkerStatus.BACKOFF,
        Worker::beginStop);
  }

  @Override
  public void ended(WorkerHandle worker, StopOutcome outcome) {
    if (outcome.reaped()) {
      exited(worker.workerId(), outcome.status(), outcome.error());
    } else {
      lost(worker.workerId(), outcome.error());
    }
  }

  /**
   * Inside the caller's transaction (an environment's teardown recording its outcome): records these
   * ends on rows not yet ended. Each is announced, and {@code recorded} told, only once that
   * transaction commits; if it rolls back, the ends stay pending with whoever kept them.
   */
  void endedWithin(Map<WorkerHandle, StopOutcome> ends, Consumer<WorkerHandle> recorded) {
    List<Worker> changed = new ArrayList<>();
    ends.forEach((worker, outcome) -> workers.findById(worker.workerId())
        .filter(row -> !row.getStatus().isTerminal())
        .ifPresent(row -> {
          if (outcome.reaped()) {
            row.markExited(outcome.status().exitCode(), outcome.status().signal(),
                exitDetail(outcome.status(), outcome.error()), clock.instant());
          } else {
            row.markLost(outcome.error(), clock.instant());
          }
          changed.add(workers.saveAndFlush(row));
        }));
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        changed.forEach(events::statusChanged);
        ends.keySet().forEach(recorded);
      }
    });
  }

  @Override
  public boolean backingOff(WorkerHandle ended, ExitStatus status, String note) {
    return update(ended.workerId(), row -> row.getStatus() == WorkerStatus.RUNNING && row.getPid() == ended.pid(),
        row -> row.beginBackoff(status.exitCode(), status.signal(), note, clock.instant()));
  }

  @Override
  public boolean mayRestart(UUID workerId) {
    // Only the owning node restarts, and only while it holds its lease by the database's clock (its
    // own view may lag a lease that ran out): without it no process is started, the restart is
    // postponed (the scheduler retries after a failure), and the commit of the restart is fenced too.
    if (!ownership.actsAsOwner()) {
      throw new NotOwnerException("node " + ownership.localNode() + " holds no valid lease: worker " + workerId
          + " is not restarted now");
    }
    return Boolean.TRUE.equals(transaction.execute(status -> {
      ownership.fence();
      return workers.findById(workerId)
          .map(row -> row.getStatus() == WorkerStatus.BACKOFF && ownership.localNode().equals(row.getNode()))
          .orElse(false);
    }));
  }

  @Override
  public void restarted(WorkerHandle next) {
    if (!update(next.workerId(), row -> row.getStatus() == WorkerStatus.BACKOFF, row -> row.restarted(spawned(next)))) {
      throw new IllegalStateException("worker " + next.workerId() + " is no longer waiting to restart");
    }
  }

  @Override
  public void ready(WorkerHandle worker, Instant at) {
    changeIf(worker.workerId(), row -> true, row -> row.markReady(worker.pid(), at));
  }

  void exited(UUID workerId, ExitStatus status, String error) {
    String detail = exitDetail(status, error);
    update(workerId, row -> true, row -> row.markExited(status.exitCode(), status.signal(), detail, clock.instant()));
  }

  private static String exitDetail(ExitStatus status, String error) {
    if (status.vanished() && error == null) {
      return "exit status unknown: the process was not (or no longer) a child of this service";
    }
    return error;
  }

  void lost(UUID workerId, String error) {
    update(workerId, row -> true, row -> row.markLost(error, clock.instant()));
  }

  /** Changes made by {@code change} to a row not yet ended; the row changed only if it returns true. */
  private interface Change {
    boolean apply(Worker row);
  }

  private record Changed(Worker row, boolean announce) {
  }

  private boolean update(UUID workerId, Predicate<Worker> applies, java.util.function.Consumer<Worker> change) {
    return changeIf(workerId, applies, row -> {
      change.accept(row);
      return true;
    });
  }

  /**
   * Applies {@code change} to the row if it is not yet ended and {@code applies}; re-reads and
   * retries when another writer won. Returns whether the row changed.
   */
  private boolean changeIf(UUID workerId, Predicate<Worker> applies, Change change) {
    for (int attempt = 1; ; attempt++) {
      try {
        Changed changed = transaction.execute(status -> {
          // Without its lease this node records nothing; an end is kept and recorded once it holds one.
          ownership.fence();
          return workers.findById(workerId)
              .filter(row -> !row.getStatus().isTerminal() && applies.test(row))
              .map(row -> {
                WorkerStatus before = row.getStatus();
                int restartsBefore = row.getRestarts();
                if (!change.apply(row)) {
                  return null;
                }
                Worker saved = workers.saveAndFlush(row);
                // Events announce status changes and restarts (a new process under the same id), not
                // readiness alone; they carry what the row holds after the commit.
                return new Changed(saved, before != saved.getStatus() || restartsBefore != saved.getRestarts());
              })
              .orElse(null);
        });
        if (changed == null) {
          return false;
        }
        if (changed.announce()) {
          events.statusChanged(changed.row());
        }
        return true;
      } catch (ObjectOptimisticLockingFailureException e) {
        if (attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw e;
        }
      }
    }
  }
}
