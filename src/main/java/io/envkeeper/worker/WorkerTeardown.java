package io.envkeeper.worker;

import io.envkeeper.environment.TeardownStep;
import io.envkeeper.environment.TeardownTarget;
import io.envkeeper.runtime.WorkersNotReapedException;
import java.io.IOException;
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

  WorkerTeardown(WorkerRecovery recovery, WorkerLogs logs) {
    this.recovery = recovery;
    this.logs = logs;
  }

  @Override
  public void tearDown(TeardownTarget target) throws IOException {
    List<String> survivors = recovery.recoverEnvironment(target.id());
    if (!survivors.isEmpty()) {
      throw new WorkersNotReapedException(target.id(), String.join("; ", survivors));
    }
    logs.deleteAll(target.id());
  }
}
