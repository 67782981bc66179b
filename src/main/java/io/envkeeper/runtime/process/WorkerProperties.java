package io.envkeeper.runtime.process;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.validation.annotation.Validated;

/**
 * Worker processes: the profiles clients may start, and the bounds around them.
 *
 * @param profiles The only programs workers may run, by profile name.
 * @param inheritEnv Variables of the service's own environment passed on to workers; nothing else
 *     is inherited (the service's secrets never reach a worker).
 * @param maxArgs Most {@code args} a client may pass to a profile that allows them.
 * @param maxArgLength Longest single {@code args} entry, in characters.
 * @param destroyTimeout One overall bound for stopping all workers of an environment being
 *     destroyed (each in parallel, each with its own profile's protocol).
 * @param trackInterval How often descendants of live workers are recorded (so ones that leave the
 *     process group, e.g. with {@code setsid}, are still killed with their environment).
 * @param logDir Where worker logs live ({@code <log-dir>/<environment id>/<worker id>.log}).
 *     Default: {@code <data-dir>/worker-logs}.
 * @param exitAfterAck Time a worker that acknowledged the shutdown message gets to exit by itself
 *     before SIGTERM.
 * @param unconfigured Stop bounds of a worker whose profile is not configured (any more): a leftover
 *     of an earlier run with another configuration, or one no record names.
 * @param containment What holds a worker's processes together so that none outlives it: a cgroup
 *     of its own where the service can write its cgroup v2 tree, else its process group.
 */
@ConfigurationProperties("envkeeper.workers")
@Validated
public record WorkerProperties(
    @NotNull @DefaultValue Map<String, @Valid Profile> profiles,
    @NotNull @DefaultValue({"PATH", "HOME", "LANG", "LC_ALL", "TZ"}) List<String> inheritEnv,
    @DefaultValue("32") @Min(0) int maxArgs,
    @DefaultValue("1024") @Min(1) int maxArgLength,
    @NotNull @DefaultValue("30s") Duration destroyTimeout,
    @NotNull @DefaultValue("500ms") Duration trackInterval,
    java.nio.file.Path logDir,
    @NotNull @DefaultValue("250ms") Duration exitAfterAck,
    @NotNull @Valid @DefaultValue Unconfigured unconfigured,
    @NotNull @Valid @DefaultValue Containment containment) {

  public WorkerProperties {
    profiles = Map.copyOf(profiles);
    inheritEnv = List.copyOf(inheritEnv);
  }

  /** The stop bounds of {@code profile}, or the defaults when it is unknown (null) or no longer configured. */
  public StopTimeouts stopTimeoutsOf(String profile) {
    Profile configured = profile == null ? null : profiles.get(profile);
    return configured != null
        ? configured.stopTimeouts()
        : StopTimeouts.withoutMessage(unconfigured.stopGrace(), unconfigured.killTimeout());
  }

  /** The supervision settings of {@code profile}: none (never restart, no ready line, no limits) when unknown. */
  public Profile.Supervision supervisionOf(String profile) {
    Profile configured = profile == null ? null : profiles.get(profile);
    return configured != null ? configured.supervision() : Profile.Supervision.NONE;
  }

  /**
   * Where workers' processes are held.
   *
   * @param mode {@code auto}: a cgroup per worker where the service can write its cgroup v2 tree,
   *     else the process group (health says which); {@code cgroup}: the cgroup or no start-up;
   *     {@code process-group}: never a cgroup.
   * @param serviceLeaf Move the service's own processes into a leaf cgroup
   *     ({@code <own cgroup>/envkeeper-service}) when controllers cannot be enabled for workers
   *     because the service's cgroup holds processes (cgroup v2's "no internal processes" rule: the
   *     usual case in a container). Only for a cgroup the service has to itself (a pod's container).
   * @param cgroupName Name of the cgroup, below the service's own, that holds the workers' cgroups
   *     (one per worker, named by its id). Default: {@code envkeeper.<node id>}.
   */
  public record Containment(
      @NotNull @DefaultValue("auto") ContainmentMode mode, @DefaultValue("false") boolean serviceLeaf,
      @Pattern(regexp = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}") String cgroupName) {

    /** The name of the workers' parent cgroup for node {@code nodeId}. */
    String cgroupNameFor(String nodeId) {
      return cgroupName != null ? cgroupName : "envkeeper." + nodeId.replaceAll("[^A-Za-z0-9._-]", "_");
    }
  }

  /** See {@link Containment#mode()}. */
  public enum ContainmentMode {
    AUTO, CGROUP, PROCESS_GROUP
  }

  /**
   * Stop bounds for a worker whose profile is not configured.
   *
   * @param stopGrace Time between SIGTERM and SIGKILL.
   * @param killTimeout Wait after SIGKILL for the process to be gone.
   */
  public record Unconfigured(
      @NotNull @DefaultValue("5s") Duration stopGrace, @NotNull @DefaultValue("2s") Duration killTimeout) {}

  /**
   * One kind of worker.
   *
   * @param command The program and its arguments (argv); no shell is inserted. The program is found
   *     on the service's PATH unless absolute.
   * @param env Variables set for the worker, on top of the inherited allowlist.
   * @param allowArgs Whether clients may append {@code args} to the command.
   * @param maxPerEnvironment Most workers of this profile running at once in one environment.
   * @param shutdownMessage Line written to the worker's stdin to ask it to clean up and exit; none
   *     skips straight to SIGTERM.
   * @param ackLine Line the worker prints on stdout when its cleanup is done; without one, the
   *     worker's exit is its acknowledgement.
   * @param ackTimeout Wait for the acknowledgement before SIGTERM.
   * @param stopGrace Wait after SIGTERM before SIGKILL.
   * @param killTimeout Wait after SIGKILL for the reap before the worker is declared LOST.
   * @param logMaxBytes Cap of the worker's log file (one rotated predecessor is kept).
   * @param restart When a worker whose process ended by itself is started again: {@code never},
   *     {@code on-failure} (non-zero exit or a signal) or {@code always}. A restart keeps the worker
   *     id, appends to its log and waits {@code restart-backoff} first (status BACKOFF).
   * @param maxRestarts Most restarts within {@code restart-window}; one more end and the worker is
   *     given up on (EXITED, {@code lastError} says so).
   * @param restartWindow The sliding window {@code max-restarts} counts in.
   * @param restartBackoff Wait before the first restart; doubled for each further restart within
   *     the window.
   * @param restartBackoffMax Longest wait before a restart, however many came before.
   * @param readyLine A regular expression looked for in each line of the worker's output; the first
   *     line it is found in makes the worker ready. Without one, a worker is ready once it runs.
   * @param limits Resource limits of the worker's cgroup (applied only under cgroup containment, and
   *     only where the controller is available; health says what was not applied).
   * @param rlimits Resource limits of the worker's processes ({@code setrlimit}), set before its
   *     program runs, under either containment.
   */
  public record Profile(
      @NotEmpty List<@NotBlank String> command,
      @NotNull @DefaultValue Map<String, String> env,
      @DefaultValue("false") boolean allowArgs,
      @DefaultValue("16") @Min(1) int maxPerEnvironment,
      String shutdownMessage,
      String ackLine,
      @NotNull @DefaultValue("5s") Duration ackTimeout,
      @NotNull @DefaultValue("5s") Duration stopGrace,
      @NotNull @DefaultValue("2s") Duration killTimeout,
      @NotNull @DefaultValue("1MB") DataSize logMaxBytes,
      @NotNull @DefaultValue("never") RestartPolicy restart,
      @DefaultValue("5") @Min(0) int maxRestarts,
      @NotNull @DefaultValue("60s") @DurationMin(millis = 1) Duration restartWindow,
      @NotNull @DefaultValue("1s") @DurationMin(millis = 1) Duration restartBackoff,
      @NotNull @DefaultValue("30s") @DurationMin(millis = 1) Duration restartBackoffMax,
      @ValidRegex String readyLine,
      @NotNull @Valid @DefaultValue Limits limits,
      @NotNull @Valid @DefaultValue Rlimits rlimits) {

    public Profile {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }

    public Supervision supervision() {
      return new Supervision(restart, maxRestarts, restartWindow, restartBackoff, restartBackoffMax,
          readyLine == null ? null : java.util.regex.Pattern.compile(readyLine), limits, rlimits);
    }

    /**
     * Everything the supervisor needs of a profile beyond its command: restarts, readiness, limits.
     *
     * @param readyLine the compiled {@code ready-line}, or null
     */
    public record Supervision(
        RestartPolicy restart, int maxRestarts, Duration restartWindow, Duration restartBackoff,
        Duration restartBackoffMax, java.util.regex.Pattern readyLine, Limits limits, Rlimits rlimits) {

      static final Supervision NONE = new Supervision(RestartPolicy.NEVER, 0, Duration.ofSeconds(60),
          Duration.ofSeconds(1), Duration.ofSeconds(30), null, new Limits(null, null, null), new Rlimits(null, null, null));

      /** The wait before restart number {@code n} (1-based) within the window: doubling, capped. */
      Duration backoffBefore(int n) {
        Duration delay = restartBackoff;
        for (int i = 1; i < n && delay.compareTo(restartBackoffMax) < 0; i++) {
          delay = delay.multipliedBy(2);
        }
        return delay.compareTo(restartBackoffMax) > 0 ? restartBackoffMax : delay;
      }
    }

    /**
     * Limits of the worker's cgroup (cgroup v2 interface files).
     *
     * @param memoryMax {@code memory.max}: above it the kernel reclaims, then kills (the whole
     *     cgroup: {@code memory.oom.group} is set).
     * @param pidsMax {@code pids.max}: most processes and threads at once; a fork beyond fails.
     * @param cpuWeight {@code cpu.weight}, 1 to 10000 (100 is the default share).
     */
    public record Limits(
        @PositiveSize DataSize memoryMax, @Min(1) Long pidsMax, @Min(1) @Max(10000) Integer cpuWeight) {

      public boolean any() {
        return memoryMax != null || pidsMax != null || cpuWeight != null;
      }
    }

    /**
     * Resource limits set on the worker's first process before its program runs (soft = hard),
     * inherited by everything it starts.
     *
     * @param nofile {@code RLIMIT_NOFILE}: most open descriptors per process.
     * @param nproc {@code RLIMIT_NPROC}: most processes of the worker's user (not enforced for root).
     * @param core {@code RLIMIT_CORE}: largest core dump, in bytes (0: none).
     */
    public record Rlimits(@Min(1) Long nofile, @Min(1) Long nproc, @Min(0) Long core) {

      public boolean any() {
        return nofile != null || nproc != null || core != null;
      }
    }

    public StopTimeouts stopTimeouts() {
      return new StopTimeouts(shutdownMessage, ackTimeout, stopGrace, killTimeout);
    }
  }
}
