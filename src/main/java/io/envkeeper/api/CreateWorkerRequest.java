package io.envkeeper.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code POST /environments/{id}/workers}.
 *
 * @param profile a configured worker profile
 * @param args extra arguments, only for profiles that allow them (passed as argv, never to a shell)
 */
public record CreateWorkerRequest(
    @NotBlank @Size(max = 100, message = "must be at most 100 characters")
    @Schema(minLength = 1, description = "A configured worker profile", example = "demo-agent") String profile,
    @Schema(description = "Extra arguments, appended to the profile's command (never given to a shell); only for"
        + " profiles with `allow-args`", example = "[\"600\"]") List<String> args) {}
