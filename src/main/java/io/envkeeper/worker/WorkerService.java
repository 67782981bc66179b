package io.envkeeper.worker;

import io.envkeeper.config.LimitsProperties;
import io.envkeeper.config.NodeProperties;
import io.envkeeper.deadline.Await;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentNotFoundException;
import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.environment.Ownership;
import io.envkeeper.runtime.EnvironmentRuntime;
import io.envkeeper.runtime.RuntimeManager;
import io.envkeeper.runtime.WorkerStart;
import io.envkeeper.runtime.process.LiveWorkerLogs;
import io.envkeeper.runtime.process.WorkerHandle;
import io.envkeeper.runtime.process.WorkerLog;
import io.envkeeper.runtime.process.WorkerProperties;
import io.envkeeper.runtime.process.WorkerSpec;
import io.envkeeper.runtime.process.WorkerProcesses;
import io.envkeeper.worker.WorkerRequestException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts, stops and reads workers. A worker starts only in a READY environment (the 410 guard, then
 * the RuntimeManager's checks under the environment's lock) and only from a configured profile; its
 * row is committed before the start is answered.
 */
@Service
public class WorkerService {

  private final RuntimeManager runtimes;
  private final WorkerProcesses processes;
  private final WorkerRecovery recovery;
  private final WorkerRepository workers;
  private final WorkerLogs logs;
  private final WorkerProperties properties;
  private final NodeProperties node;
  private final TransactionTemplate transaction;
  private final EnvironmentRepository environments;
  private final LimitsProperties limits;
  private final Ownership ownership;
  private final WorkerEvents events;
  private final LiveWorkerLogs liveLogs;
  private final WorkerRecords records;

  WorkerService(
      RuntimeManager runtimes,
      WorkerProcesses processes,
      WorkerRecovery recovery,
      WorkerRepository workers,
      WorkerLogs logs,
      WorkerProperties properties,
      NodeProperties node,
      TransactionTemplate transaction,
      EnvironmentRepository environments,
      LimitsProperties limits,
      Ownership ownership,
      WorkerEvents events,
      LiveWorkerLogs liveLogs,
      WorkerRecords records) {
    this.events = events;
    this.liveLogs = liveLogs;
    this.records = records;
    this.environments = environments;
    this.limits = limits;
    this.ownership = ownership;
    this.runtimes = runtimes;
    this.processes = processes;
    this.recovery = recovery;
    this.workers = workers;
    this.logs = logs;
    this.properties = properties;
    this.node = node;
    this.transaction = transaction;
  }

  /** Starts a worker of {@code profileName}; the returned row is committed. */
  public Worker start(UUID environmentId, String profileName, List<String> args) {
    return start(environmentId, profileName, args, Duration.ZERO);
  }

  /**
   * Starts a worker of {@code profileName} and waits up to {@code waitReady} until it is ready (or
   * ended for good); the returned row is committed and read after the wait.
   */
  public Worker start(UUID environmentId, String profileName, List<String> args, Duration waitReady) {
    Worker started = startNow(environmentId, profileName, args);
    if (waitReady.isZero() || waitReady.isNegative() || started.isReady()) {
      return started;
    }
    processes.awaitReady(started.getId(), waitReady);
    return workers.findById(started.getId()).orElse(started);
  }

  private Worker startNow(UUID environmentId, String profileName, List<String> args) {
    WorkerProperties.Profile profile = properties.profiles().get(profileName);
    if (profile == null) {
      throw new WorkerRequestException(Reason.UNKNOWN_PROFILE,
          "no worker profile named '" + abbreviate(profileName) + "'; configured: " + properties.profiles().keySet());
    }
    List<String> extraArgs = checkArgs(profileName, profile, args == null ? List.of() : args);
    String tenant = environments.findById(environmentId).map(Environment::getTenant)
        .orElseThrow(() -> new EnvironmentNotFoundException(environmentId));
    UUID workerId = UUID.randomUUID();
    Worker[] recorded = new Worker[1];
    runtimes.startWorker(environmentId, new WorkerStart() {
      @Override
      public WorkerSpec prepare(EnvironmentRuntime runtime) {
        checkLimits(runtime, profileName, profile, tenant);
        List<String> command = new java.util.ArrayList<>(profile.command());
        command.addAll(extraArgs);
        return new WorkerSpec(
            workerId, environmentId, profileName, runtime.workspace(), command,
            WorkerEnvironment.of(properties, profile, System.getenv(), environmentId, workerId, runtime.workspace()),
            logs.of(environmentId, workerId), profile.logMaxBytes().toBytes(), profile.ackLine());
      }

      @Override
      public void record(WorkerHandle worker) {
        recorded[0] = transaction.execute(status -> {
          ownership.fence(); // a node without its lease records no worker (the spawn is killed)
          // Again under the tenant's lock: a concurrent start may have taken the last place since.
          workers.lockTenant(tenant);
          checkTenantLimit(tenant);
          return records.started(new Worker(
              workerId, environmentId, profileName, extraArgs, WorkerRecords.spawned(worker), node.id(), worker.cgroupPath()));
        });
        // Committed, and announced before the reaper follows the worker: its end comes after.
        events.statusChanged(recorded[0]);
      }
    });
    return recorded[0];
  }

  /** Refuses a start beyond the profile's, the environment's or the tenant's number of running workers. */
  private void checkLimits(EnvironmentRuntime runtime, String profileName, WorkerProperties.Profile profile, String tenant) {
    if (runtime.workers().running(profileName) >= profile.maxPerEnvironment()) {
      throw new WorkerRequestException(Reason.WORKER_LIMIT_REACHED,
          "profile '" + profileName + "' allows " + profile.maxPerEnvironment() + " running worker(s) per environment");
    }
    if (runtime.workers().running() >= limits.maxWorkersPerEnvironment()) {
      throw new WorkerRequestException(Reason.WORKER_LIMIT_REACHED,
          "an environment may have " + limits.maxWorkersPerEnvironment() + " running workers (envkeeper.limits)");
    }
    checkTenantLimit(tenant);
  }

  private void checkTenantLimit(String tenant) {
    if (workers.countLiveOfTenant(tenant) >= limits.maxWorkersPerTenant()) {
      throw new WorkerRequestException(Reason.WORKER_LIMIT_REACHED,
          "tenant " + tenant + " may have " + limits.maxWorkersPerTenant() + " running workers (envkeeper.limits)");
    }
  }

  public List<Worker> list(UUID environmentId) {
    return workers.findByEnvironmentIdOrderByStartedAtAscIdAsc(environmentId);
  }

  public Worker get(UUID environmentId, UUID workerId) {
    return workers.findByIdAndEnvironmentId(workerId, environmentId)
        .orElseThrow(() -> new WorkerNotFoundException(environmentId, workerId));
  }

  /**
   * Stops a worker with the graceful protocol; idempotent (a repeat joins the running stop, an ended
   * worker is answered as it is). Waits up to {@code wait} for the end.
   */
  public Worker stop(UUID environmentId, UUID workerId, Duration wait) {
    Worker worker = get(environmentId, workerId);
    if (worker.getStatus().isTerminal()) {
      return worker;
    }
    CompletableFuture<?> stopping = runtimes.find(environmentId)
        .flatMap(runtime -> runtime.workers().get(workerId))
        .<CompletableFuture<?>>map(processes::stop)
        .orElseGet(() -> recovery.isFromEarlierRun(worker) ? recovery.recoverAsync(worker) : CompletableFuture.completedFuture(null));
    if (!wait.isZero() && !wait.isNegative()) {
      Await.completion(stopping, wait); // past it, answered with the row as it stands
    }
    return get(environmentId, workerId);
  }

  /** The last {@code lines} lines of the worker's combined stdout/stderr. */
  public List<String> log(UUID environmentId, UUID workerId, int lines) {
    get(environmentId, workerId); // 404 for a worker of another environment
    try {
      return WorkerLog.tail(logs.of(environmentId, workerId), lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of worker " + workerId, e);
    }
  }

  /**
   * The worker's log for a follow: its row (404 for a worker of another environment), its file, and
   * the log being written while its output has not ended.
   */
  public WorkerLogSource logSource(UUID environmentId, UUID workerId) {
    Worker worker = get(environmentId, workerId);
    return new WorkerLogSource(WorkerEvent.of(worker), logs.of(environmentId, workerId), liveLogs.find(workerId));
  }

  /** The log of the worker's current process while the service still writes it. */
  public Optional<WorkerLog> liveLog(UUID workerId) {
    return liveLogs.find(workerId);
  }

  private List<String> checkArgs(String profileName, WorkerProperties.Profile profile, List<String> args) {
    if (args.isEmpty()) {
      return List.of();
    }
    if (!profile.allowArgs()) {
      throw new WorkerRequestException(Reason.INVALID_ARGS, "profile '" + profileName + "' takes no args");
    }
    if (args.size() > properties.maxArgs()) {
      throw new WorkerRequestException(Reason.INVALID_ARGS, "at most " + properties.maxArgs() + " args are allowed");
    }
    for (String arg : args) {
      if (arg == null || arg.length() > properties.maxArgLength() || arg.indexOf('\0') >= 0) {
        throw new WorkerRequestException(Reason.INVALID_ARGS,
            "each arg must be a string of at most " + properties.maxArgLength() + " characters without NUL");
      }
      if (hasLoneSurrogate(arg)) {
        // It cannot be encoded as the UTF-8 bytes argv is made of; it would be changed, not passed.
        throw new WorkerRequestException(Reason.INVALID_ARGS, "each arg must be valid Unicode text (no lone surrogate)");
      }
    }
    return List.copyOf(args);
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String text) {
    return text == null ? "null" : text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
