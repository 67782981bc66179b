package io.envkeeper.ops;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The instance lock ({@code <data-dir>/instance.lock}) that keeps two services off one data dir.
 *
 * @param attempts How many times to try the lock before start-up fails.
 * @param backoff Wait before the second attempt; doubled after each further one.
 * @param deadline Start-up gives up on the lock after this long, whatever attempts remain.
 */
@ConfigurationProperties("envkeeper.instance-lock")
public record InstanceLockProperties(
    @DefaultValue("8") int attempts,
    @DefaultValue("250ms") Duration backoff,
    @DefaultValue("10s") Duration deadline) {}
