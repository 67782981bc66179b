package io.envkeeper.api;

import io.envkeeper.environment.CreateEnvironmentCommand;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code POST /environments}.
 *
 * @param name 1-100 characters of {@code [A-Za-z0-9._-]}
 * @param path an existing directory under a workspace root; absent for a managed workspace
 * @param labels up to 32 labels; keys 1-63 characters of {@code [A-Za-z0-9._/-]}, values up to 256
 *     characters, no control characters
 * @param ttl time to live, an ISO-8601 duration ({@code PT8H}); absent: the configured default
 * @param idleTimeout how long the environment may stay without activity ({@code PT30M}); absent: the
 *     configured default
 */
public record CreateEnvironmentRequest(
    @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,100}", message = "must be 1-100 characters of [A-Za-z0-9._-]")
        String name,
    String path,
    @Size(max = 32, message = "must have at most 32 labels") Map<@LabelKey String, @LabelValue String> labels,
    String ttl,
    String idleTimeout) {

  CreateEnvironmentCommand toCommand() {
    return new CreateEnvironmentCommand(
        name, path, labels, RequestParameters.duration("ttl", ttl), RequestParameters.duration("idleTimeout", idleTimeout));
  }
}
