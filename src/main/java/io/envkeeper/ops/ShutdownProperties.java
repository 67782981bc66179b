package io.envkeeper.ops;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of a shutdown. Kubernetes' default grace is 30 s; the defaults fit inside it with margin.
 * Change them together: timeout &lt; force-exit-after &lt; the pod's terminationGracePeriodSeconds.
 *
 * @param timeout Overall deadline for stopping every worker (in parallel) when the service stops.
 * @param forceExitAfter Once shutdown begins, the process halts after this long whatever is still
 *     running (a hung hook, native call or lock cannot keep it alive).
 */
@ConfigurationProperties("envkeeper.shutdown")
public record ShutdownProperties(
    @DefaultValue("20s") Duration timeout, @DefaultValue("25s") Duration forceExitAfter) {}
