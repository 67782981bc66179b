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
record WorkerTeardown(WorkerRecovery recovery, WorkerLogs logs, WorkerProcesses processes) implements TeardownStep {

  @Override
  public void tearDown(TeardownTarget target) throws IOException {
    List<String> survivors = recovery.recoverEnvironment(target.id());
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
