package io.envkeeper.api;

import io.envkeeper.environment.CreateEnvironmentCommand;
import io.swagger.v3.oas.annotations.media.Schema;
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
 *     characters, no control characters, no lone surrogates
 * @param node the node to create it on (a live one); absent: placed by the service
 * @param ttl time to live, an ISO-8601 duration ({@code PT8H}); absent: the configured default
 * @param idleTimeout how long the environment may stay without activity ({@code PT30M}); absent: the
 *     configured default
 */
public record CreateEnvironmentRequest(
    @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,100}", message = "must be 1-100 characters of [A-Za-z0-9._-]")
    @Schema(description = "1-100 characters of `[A-Za-z0-9._-]`", example = "web-app")
        String name,
    @Schema(description = "An existing directory whose real path lies under a workspace root; absent for a managed"
        + " workspace created by the service", example = "/home/alice/projects/web-app")
        String path,
    @Schema(description = "Up to 32 labels; keys 1-63 characters of `[A-Za-z0-9._/-]`, values up to 256 characters"
        + " without control characters or lone surrogates", example = "{\"team\": \"a\"}")
    @Size(max = 32, message = "must have at most 32 labels")
        Map<@LabelKey String, @LabelValue String> labels,
    @Schema(description = "The id of the live node to create it on (`envkeeper.node.id`); absent: the service places"
        + " it (a managed workspace on the live node with the fewest READY environments, a `path` on the node that"
        + " receives the call). Unknown, retired or not live: `409 node_unavailable`", example = "envkeeper-1")
    @Size(min = 1, max = 253, message = "must be 1-253 characters")
        String node,
    @Schema(description = "Time to live from creation, an ISO-8601 duration of whole seconds (`PT8H`); absent: the"
        + " configured default (`envkeeper.environments.default-ttl`), at most `max-ttl`", format = "duration",
        example = "PT8H")
        String ttl,
    @Schema(description = "How long the environment may stay without activity, an ISO-8601 duration of whole seconds"
        + " (`PT30M`); absent: the configured default (`envkeeper.environments.default-idle-timeout`), at most"
        + " `max-idle-timeout`", format = "duration", example = "PT30M")
        String idleTimeout) {

  CreateEnvironmentCommand toCommand() {
    return new CreateEnvironmentCommand(
        name, path, labels, RequestParameters.duration("ttl", ttl), RequestParameters.duration("idleTimeout", idleTimeout));
  }
}
