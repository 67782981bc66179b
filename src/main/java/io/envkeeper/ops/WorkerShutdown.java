package io.envkeeper.ops;

import io.envkeeper.deadline.Deadline;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.envkeeper.runtime.process.WorkerProcesses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On shutdown, stops every worker in parallel with its stop protocol, within what is left of
 * {@code envkeeper.shutdown.timeout}, counted from the moment the context starts closing (readiness
 * turns REFUSING_TRAFFIC then), whatever phase ran meanwhile; SIGKILL for any still running at the
 * deadline. Runs after the web server has drained and the reconciler has stopped (lower phase stops
 * later), and before the database goes (beans are destroyed after all phases), so the workers' ends
 * are recorded.
 */
@Component
class WorkerShutdown extends PhasedLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WorkerShutdown.class);
  /** Below the web server's phases ({@code Integer.MAX_VALUE - 1024} and {@code - 2048}). */
  private static final int PHASE = Integer.MAX_VALUE - 4096;

  private final WorkerProcesses workers;
  private final ShutdownProperties properties;
  private volatile Deadline deadline;

  WorkerShutdown(WorkerProcesses workers, ShutdownProperties properties) {
    super(PHASE);
    this.workers = workers;
    this.properties = properties;
  }

  @EventListener
  void onClosing(ContextClosedEvent event) {
    if (deadline == null) {
      deadline = Deadline.in(properties.timeout());
    }
  }

  @Override
  public void stop() {
    running = false;
    Deadline closing = deadline;
    int stopped = workers.stopEveryWorker(closing != null ? closing.remaining() : properties.timeout());
    if (stopped > 0) {
      log.info("shutdown: {} worker(s) stopped", stopped);
    }
  }
}
