package io.envkeeper.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Service-wide settings.
 *
 * @param dataDir Directory of the service's own state: the embedded PostgreSQL data (when no
 *     {@code spring.datasource.url} is set) and, by default, the managed workspaces. Relative paths
 *     resolve against the working directory.
 */
@ConfigurationProperties("envkeeper")
@Validated
public record EnvkeeperProperties(@DefaultValue(".envkeeper") Path dataDir) {}
