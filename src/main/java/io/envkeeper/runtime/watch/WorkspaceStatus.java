package io.envkeeper.runtime.watch;

import java.time.Instant;
import java.util.List;

/**
 * What {@code /workspace} shows of a watcher.
 *
 * @param changeSeq seq of the newest change (0 before the first)
 * @param changes changes after the requested seq, oldest first, possibly led by an OVERFLOW marker
 * @param error why the watcher failed or watches only part of the tree; {@code null} when all is well
 */
public record WorkspaceStatus(
    WatcherState watcher,
    int retries,
    int watchedDirectories,
    long changeSeq,
    Instant lastChangeAt,
    List<WorkspaceChange> changes,
    String error) {

  public WorkspaceStatus {
    changes = List.copyOf(changes);
  }
}
