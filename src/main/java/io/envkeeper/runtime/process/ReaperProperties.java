package io.envkeeper.runtime.process;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scoped reaper.
 *
 * @param tick Longest wait of the reaper's loop. Orphans are looked for at a tick (when a SIGCHLD
 *     came or zombies wait for their grace), and every 10th tick every registered pid is swept as a
 *     backup of the pidfd events. Health is DOWN when the loop made no turn for 3 ticks while pids
 *     are registered.
 * @param subreaper Make the service a child subreaper ({@code PR_SET_CHILD_SUBREAPER}), so orphaned
 *     descendants of workers are re-parented to it and reaped, instead of to init.
 * @param adoptGrace An unregistered zombie child (an adopted orphan) is reaped once it has been a
 *     zombie this long; a child the JDK started is collected by the JDK at once, so it is never taken.
 * @param orphanKillTimeout Wait, at an environment's teardown, for adopted orphans in its workspace
 *     to be gone after SIGKILL.
 * @param exitPollInterval How often the end of a process that is not our child (a leftover of an
 *     earlier run, a descendant, an adopted orphan) is checked while a stop waits for it.
 * @param placementTimeout Longest time a spawn may take to place its child (cgroup, rlimits) before
 *     the child's program runs; past it the child is killed unrun and the start fails.
 * @param killedWatch How long a process the service signalled (a worker's descendant, a member of
 *     its cgroup) is held by a pidfd to be reaped the moment it dies; one still alive after that is
 *     left to the adoption grace.
 */
@ConfigurationProperties("envkeeper.reaper")
@Validated
public record ReaperProperties(
    @NotNull @DefaultValue("1s") Duration tick,
    @DefaultValue("true") boolean subreaper,
    @NotNull @DefaultValue("500ms") Duration adoptGrace,
    @NotNull @DefaultValue("2s") Duration orphanKillTimeout,
    @NotNull @DefaultValue("10ms") Duration exitPollInterval,
    @NotNull @DefaultValue("5s") Duration placementTimeout,
    @NotNull @DefaultValue("2m") Duration killedWatch) {}
