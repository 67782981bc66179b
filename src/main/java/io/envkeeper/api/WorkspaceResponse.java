package io.envkeeper.api;

import io.envkeeper.runtime.watch.ChangeKind;
import io.envkeeper.runtime.watch.WatcherState;
import io.envkeeper.runtime.watch.WorkspaceChange;
import io.envkeeper.runtime.watch.WorkspaceStatus;
import java.time.Instant;
import java.util.List;

/** {@code GET /environments/{id}/workspace}: the watcher and the changes after {@code since}. */
public record WorkspaceResponse(
    WatcherState watcher,
    int retries,
    int watchedDirectories,
    long changeSeq,
    Instant lastChangeAt,
    List<Change> changes,
    String error) {

  /** One change; {@code path} is relative to the workspace. */
  public record Change(long seq, ChangeKind kind, String path, Instant at) {

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
