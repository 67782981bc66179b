package io.envkeeper.api;

import java.util.List;

/** {@code GET /environments/{id}/workers}: every worker of the environment, in start order. */
public record WorkerListResponse(List<WorkerResponse> items, String nextCursor) {}
