package io.envkeeper.api;

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
    @NotBlank @Size(max = 100, message = "must be at most 100 characters") String profile, List<String> args) {}
