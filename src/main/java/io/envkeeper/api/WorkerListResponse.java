package io.envkeeper.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.util.List;

/** {@code GET /environments/{id}/workers}: every worker of the environment, in start order. */
public record WorkerListResponse(
    List<WorkerResponse> items,
    @Nullable @Schema(description = "Always `null`: every worker is on the one page") String nextCursor) {}
