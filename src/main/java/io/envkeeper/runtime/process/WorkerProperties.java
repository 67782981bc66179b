package io.envkeeper.runtime.process;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
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
    @NotNull @Valid @DefaultValue Unconfigured unconfigured) {

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
      @NotNull @DefaultValue("1MB") DataSize logMaxBytes) {

    public Profile {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }

    public StopTimeouts stopTimeouts() {
      return new StopTimeouts(shutdownMessage, ackTimeout, stopGrace, killTimeout);
    }
  }
}
