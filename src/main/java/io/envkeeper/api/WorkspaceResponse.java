package io.envkeeper.api;

import io.envkeeper.runtime.watch.ChangeKind;
import io.envkeeper.runtime.watch.WatcherState;
import io.envkeeper.runtime.watch.WorkspaceChange;
import io.envkeeper.runtime.watch.WorkspaceStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/** {@code GET /environments/{id}/workspace}: the watcher and the changes after {@code since}. */
public record WorkspaceResponse(
    WatcherState watcher,
    int retries,
    int watchedDirectories,
    long changeSeq,
    @Nullable Instant lastChangeAt,
    List<Change> changes,
    @Nullable String error) {

  /** One change; {@code path} is relative to the workspace. */
  @Schema(name = "WorkspaceChange", description = "One change in the workspace.")
  public record Change(
      @Schema(description = "Position in the environment's change feed: never goes back, never repeats",
          example = "42") long seq,
      ChangeKind kind,
      @Schema(description = "Relative to the workspace; `\"\"` is the workspace itself", example = "src/main.ts")
          String path,
      Instant at) {

    static Change of(WorkspaceChange change) {
      return new Change(change.seq(), change.kind(), change.path(), change.at());
    }
  }

  static WorkspaceResponse of(WorkspaceStatus status) {
    return new WorkspaceResponse(
        status.watcher(),
        status.retries(),
        status.watchedDirectories(),
        status.changeSeq(),
        status.lastChangeAt(),
        status.changes().stream().map(Change::of).toList(),
        status.error());
  }
}
