package io.envkeeper.runtime.watch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one workspace's watch work (its events, walks, rescans, retries) in submission order, one
 * task at a time, on the pool all workspaces share. A workspace holds at most one pool thread, and
 * gives it back after a short time slice when it has more to do, so a storm in one workspace
 * leaves the other threads (and the others' turns on its thread) to everyone else.
 */
final class SerialExecutor implements Executor {

  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  /** How long one turn on a pool thread may last before the rest queues behind other workspaces. */
  private static final long SLICE_NANOS = 5_000_000;

  private final Executor pool;
  private final String name;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Tasks submitted and not yet run; a turn is scheduled on the pool exactly while it is above 0. */
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      schedule();
    }
  }

  private void schedule() {
    try {
      pool.execute(this::turn);
    } catch (RejectedExecutionException e) {
      // The pool is shut down (the service is stopping): nothing of this workspace runs any more.
      tasks.clear();
      pending.set(0);
    }
  }

  private void turn() {
    long end = System.nanoTime() + SLICE_NANOS;
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (Throwable e) {
        // One task's failure (an Error too) must not stop the tasks queued behind it, nor leave
        // the count above 0 with no turn scheduled: the workspace would never run again.
        log.error("{}: watch task failed", name, e);
      }
      if (pending.decrementAndGet() == 0) {
        return;
      }
    } while (System.nanoTime() < end);
    schedule(); // more to do: behind the other workspaces' turns
  }
}
