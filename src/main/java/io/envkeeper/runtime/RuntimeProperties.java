package io.envkeeper.runtime;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-memory runtimes of environments.
 *
 * @param lockTimeout Longest wait for an environment's lock (taken by destroy, runtime creation and
 *     worker starts); past it the request answers {@code 503 environment_busy}. Long enough for any
 *     holder's bounded critical section, short enough never to hang a request.
 */
@ConfigurationProperties("envkeeper.runtime")
@Validated
public record RuntimeProperties(@NotNull @DefaultValue("10s") Duration lockTimeout) {}
