package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentPage;
import java.util.List;

/** A page of {@code GET /environments}; {@code nextCursor} is {@code null} on the last page. */
public record EnvironmentListResponse(List<EnvironmentResponse> items, String nextCursor) {

  static EnvironmentListResponse of(EnvironmentPage page) {
    return new EnvironmentListResponse(
        page.items().stream().map(EnvironmentResponse::of).toList(),
        page.nextCursor() == null ? null : page.nextCursor().encode());
  }
}
