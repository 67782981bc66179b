package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentPage;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.util.List;

/** A page of {@code GET /environments}; {@code nextCursor} is {@code null} on the last page. */
public record EnvironmentListResponse(
    List<EnvironmentResponse> items,
    @Nullable @Schema(description = "Cursor of the next page; `null` on the last page") String nextCursor) {

  static EnvironmentListResponse of(EnvironmentPage page) {
    return new EnvironmentListResponse(
        page.items().stream().map(EnvironmentResponse::of).toList(),
        page.nextCursor() == null ? null : page.nextCursor().encode());
  }
}
