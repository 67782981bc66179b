package io.envkeeper.reconcile;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The reconciler's rhythm.
 *
 * @param interval Time between passes (each one jittered). Also the health unit: the component is
 *     DOWN when no pass succeeded for 5 intervals.
 * @param jitter Fraction of the interval by which each pass is randomly moved earlier or later, so
 *     passes of many services never align.
 * @param destroyRetryBase Wait before retrying a failed teardown; doubled per failed attempt.
 * @param destroyRetryMax Longest wait between two teardown attempts of one environment.
 * @param maxOutageBackoff Longest wait between passes while the database is unreachable.
 */
@ConfigurationProperties("envkeeper.reconcile")
@Validated
public record ReconcileProperties(
    @DefaultValue("5s") Duration interval,
    @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("0.9") double jitter,
    @DefaultValue("1s") Duration destroyRetryBase,
    @DefaultValue("60s") Duration destroyRetryMax,
    @DefaultValue("30s") Duration maxOutageBackoff) {}
