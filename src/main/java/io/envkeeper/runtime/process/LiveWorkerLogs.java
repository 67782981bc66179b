package io.envkeeper.runtime.process;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The worker logs still being written, by worker id: a log stays here until its writer is closed
 * (the output reached EOF), which can be after the worker was reaped, so a follow learns of the
 * last bytes and of the end from the log itself.
 */
@Component
public class LiveWorkerLogs {

  private final Map<UUID, WorkerLog> open = new ConcurrentHashMap<>();

  void opened(UUID workerId, WorkerLog log) {
    open.put(workerId, log);
  }

  void closed(UUID workerId, WorkerLog log) {
    open.remove(workerId, log);
  }

  /** The log of this worker if it is still being written. */
  public Optional<WorkerLog> find(UUID workerId) {
    return Optional.ofNullable(open.get(workerId));
  }
}
