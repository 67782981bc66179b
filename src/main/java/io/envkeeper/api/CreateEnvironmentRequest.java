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
 */
public record CreateEnvironmentRequest(
    @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,100}", message = "must be 1-100 characters of [A-Za-z0-9._-]")
    @Schema(description = "1-100 characters of `[A-Za-z0-9._-]`", example = "web-app")
        String name,
    @Schema(description = "An existing directory whose real path lies under a workspace root; absent for a managed"
        + " workspace created by the service", example = "/home/alice/projects/web-app")
        String path,
    @Schema(description = "Up to 32 labels; keys 1-63 characters of `[A-Za-z0-9._/-]`, values up to 256 characters",
        example = "{\"team\": \"a\"}")
    @Size(max = 32, message = "must have at most 32 labels")
        Map<
                @Pattern(regexp = "[A-Za-z0-9._/-]{1,63}", message = "label keys must be 1-63 characters of [A-Za-z0-9._/-]")
                String,
                @NotNull
                @Size(max = 256, message = "label values must be at most 256 characters")
                // PostgreSQL cannot store NUL in text or jsonb; no control character belongs in a label.
                // A lone surrogate is not text at all: stored, it would come back changed.
                @Pattern(
                    regexp = "[^\\p{Cc}\\p{Cs}]*",
                    message = "label values must not contain control characters or lone surrogates")
                String>
            labels,
    @Schema(description = "The id of the live node to create it on (`envkeeper.node.id`); absent: the service places"
        + " it (a managed workspace on the live node with the fewest READY environments, a `path` on the node that"
        + " receives the call). Unknown, retired or not live: `409 node_unavailable`", example = "envkeeper-1")
    @Size(min = 1, max = 253, message = "must be 1-253 characters")
        String node) {

  CreateEnvironmentCommand toCommand() {
    return new CreateEnvironmentCommand(name, path, labels);
  }
}
