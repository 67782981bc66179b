package io.envkeeper.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits that keep one client from starving the others. The defaults sit above what one host
 * serves well (hundreds of environments, thousands of requests a second): they stop a runaway
 * client, not normal use; lower them per deployment to share a host between tenants.
 *
 * @param maxEnvironmentsPerTenant Most environments one tenant may have that are not DESTROYED; a
 *     create beyond it is {@code 409 environment_limit_reached}.
 * @param maxWorkersPerTenant Most live workers one tenant may have across all its environments.
 * @param maxWorkersPerEnvironment Most live workers one environment may have (a profile's own
 *     {@code max-per-environment} may be lower).
 * @param requestsPerSecond Sustained rate of {@code /api} requests one token may make; above it,
 *     {@code 429 rate_limited} with {@code Retry-After}.
 * @param burst Requests one token may make at once before the sustained rate applies.
 */
@ConfigurationProperties("envkeeper.limits")
@Validated
public record LimitsProperties(
    @DefaultValue("1000") @Min(1) int maxEnvironmentsPerTenant,
    @DefaultValue("1000") @Min(1) int maxWorkersPerTenant,
    @DefaultValue("64") @Min(1) int maxWorkersPerEnvironment,
    @DefaultValue("5000") @Min(1) long requestsPerSecond,
    @DefaultValue("10000") @Min(1) long burst) {}
