package io.envkeeper.worker;

import io.envkeeper.environment.TeardownStep;
import io.envkeeper.environment.TeardownTarget;
import io.envkeeper.runtime.WorkersNotReapedException;
import io.envkeeper.runtime.process.StopOutcome;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Teardown step after the runtime's (which stopped this run's workers): workers of earlier runs of
 * the service, known only from their rows, are stopped too; the directory is removed only when all
 * are confirmed gone. Then the environment's worker logs go.
 */
@Component
@Order(200)
record WorkerTeardown(WorkerRecovery recovery, WorkerLogs logs, WorkerProcesses processes, WorkerRecords records)
    implements TeardownStep {

  @Override
  public void tearDown(TeardownTarget target) throws IOException {
    // An environment created in this run has no rows of an earlier one: no query for them.
    List<String> survivors = recovery.mayHaveEarlierRunWorkers(target.createdAt())
        ? recovery.recoverEnvironment(target.id())
        : List.of();
    if (!survivors.isEmpty()) {
      throw new WorkersNotReapedException(target.id(), String.join("; ", survivors));
    }
    logs.deleteAll(target.id());
  }

  /**
   * The ends of the workers the runtime's step stopped (kept pending for this) go into the
   * transaction of the teardown's outcome: one commit for DESTROYED and every worker's end. A crash
   * before that commit leaves the rows STOPPING, and the restart's recovery ends them (their processes
   * are gone) while the environment's teardown is retried.
   */
  @Override
  public void recordOutcome(TeardownTarget target) {
    Map<WorkerHandle, StopOutcome> ends = processes.pendingEndsOf(target.id());
    if (!ends.isEmpty()) {
      records.endedWithin(ends, processes::endRecorded);
    }
  }

  /** Stopping workers of an earlier run takes up to their bound; an environment of this run has none. */
  @Override
  public Duration bound(TeardownTarget target) {
    return recovery.mayHaveEarlierRunWorkers(target.createdAt()) ? processes.leftoverStopBound() : Duration.ZERO;
  }
}
