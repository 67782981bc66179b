package io.envkeeper.worker;

import io.envkeeper.environment.Ownership;
import io.envkeeper.runtime.process.ExitStatus;
import io.envkeeper.runtime.process.StopOutcome;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerLifecycle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps worker rows in step with their processes. Idempotent: an end reported twice (the exit seen
 * by the reaper, then the stop that caused it) changes the row once.
 */
@Component
class WorkerRecords implements WorkerLifecycle {

  private static final int MAX_OPTIMISTIC_RETRIES = 5;

  private final WorkerRepository workers;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Ownership ownership;
  private final WorkerEvents events;

  WorkerRecords(
      WorkerRepository workers, TransactionTemplate transaction, Clock clock, Ownership ownership, WorkerEvents events) {
    this.workers = workers;
    this.transaction = transaction;
    this.clock = clock;
    this.ownership = ownership;
    this.events = events;
  }

  /** RUNNING -> STOPPING for all of them in one transaction: one commit, however many workers. */
  @Override
  public void stopping(Collection<WorkerHandle> stopping) {
    for (int attempt = 1; ; attempt++) {
      List<Worker> changed = new ArrayList<>();
      try {
        transaction.executeWithoutResult(status -> {
          ownership.fence();
          for (WorkerHandle worker : stopping) {
            workers.findById(worker.workerId()).ifPresent(row -> {
              if (row.getStatus() == WorkerStatus.RUNNING) {
                row.beginStop();
                changed.add(row);
              }
            });
          }
          workers.flush();
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

  /** RUNNING -> STOPPING, committed; a row already stopping or ended is left as it is. */
  void beginStop(UUID workerId) {
    update(workerId, row -> {
      if (row.getStatus() == WorkerStatus.RUNNING) {
        row.beginStop();
      }
    });
  }

  @Override
  public void ended(WorkerHandle worker, StopOutcome outcome) {
    if (outcome.reaped()) {
      exited(worker.workerId(), outcome.status(), outcome.error());
    } else {
      lost(worker.workerId(), outcome.error());
    }
  }

  void exited(UUID workerId, ExitStatus status, String error) {
    String detail = error;
    if (status.vanished() && detail == null) {
      detail = "exit status unknown: the process was not (or no longer) a child of this service";
    }
    String finalDetail = detail;
    update(workerId, row -> row.markExited(status.exitCode(), status.signal(), finalDetail, clock.instant()));
  }

  void lost(UUID workerId, String error) {
    update(workerId, row -> row.markLost(error, clock.instant()));
  }

  /** Applies {@code change} to a row not yet ended; re-reads and retries when another writer won. */
  private void update(UUID workerId, Consumer<Worker> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        Worker changed = transaction.execute(status -> {
          // Without its lease this node records nothing; an end is kept and recorded once it holds one.
          ownership.fence();
          return workers.findById(workerId).filter(row -> !row.getStatus().isTerminal()).map(row -> {
            WorkerStatus before = row.getStatus();
            change.accept(row);
            return before == row.getStatus() ? null : workers.saveAndFlush(row);
          }).orElse(null);
        });
        if (changed != null) {
          events.statusChanged(changed);
        }
        return;
      } catch (ObjectOptimisticLockingFailureException e) {
        if (attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw e;
        }
      }
    }
  }
}
