package io.envkeeper.embeddeddb;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL started when no {@code spring.datasource.url} is set.
 *
 * @param startupTimeout How long to wait for the embedded server to accept connections.
 * @param staleStopTimeout How long to wait for a postmaster left behind by a killed earlier run to
 *     stop (SIGINT, then SIGKILL) before start-up gives up.
 * @param setupTimeout Bound of each PostgreSQL program run before the server starts: {@code
 *     initdb} of a new data directory, or setting the password on one made by an earlier release.
 */
@ConfigurationProperties("envkeeper.embedded-db")
public record EmbeddedDatabaseProperties(
    @DefaultValue("30s") Duration startupTimeout,
    @DefaultValue("10s") Duration staleStopTimeout,
    @DefaultValue("60s") Duration setupTimeout) {}
