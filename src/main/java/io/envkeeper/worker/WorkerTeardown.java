package io.envkeeper.worker;

import io.envkeeper.environment.TeardownStep;
import io.envkeeper.environment.TeardownTarget;
import io.envkeeper.runtime.WorkersNotReapedException;
import io.envkeeper.runtime.process.WorkerProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Teardown step after the runtime's (which stopped this run's workers): workers of earlier runs of
 * the service, known only from their rows, are stopped too; the directory is removed only when all
 * are confirmed gone. Then the environment's worker logs go.
 */
@Component
@Order(200)
class WorkerTeardown implements TeardownStep {

  private final WorkerRecovery recovery;
  private final WorkerLogs logs;
  private final WorkerProcesses processes;

  WorkerTeardown(WorkerRecovery recovery, WorkerLogs logs, WorkerProcesses processes) {
    this.recovery = recovery;
    this.logs = logs;
    this.processes = processes;
  }

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

  /** Stopping workers of an earlier run takes up to their bound; an environment of this run has none. */
  @Override
  public Duration bound(TeardownTarget target) {
    return recovery.mayHaveEarlierRunWorkers(target.createdAt()) ? processes.leftoverStopBound() : Duration.ZERO;
  }
}
