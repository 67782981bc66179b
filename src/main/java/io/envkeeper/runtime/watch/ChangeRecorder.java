package io.envkeeper.runtime.watch;

import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Appends one workspace's changes to its {@link ChangeLog}, stamped by the clock. */
final class ChangeRecorder {

  private static final Logger log = LoggerFactory.getLogger(ChangeRecorder.class);

  private final UUID environmentId;
  private final ChangeLog changes;
  private final Clock clock;

  ChangeRecorder(UUID environmentId, ChangeLog changes, Clock clock) {
    this.environmentId = environmentId;
    this.changes = changes;
    this.clock = clock;
  }

  void record(ChangeKind kind, Path relative) {
    changes.append(kind, relative.toString(), clock.instant());
    log.debug("environment {}: {} {}", environmentId, kind, relative);
  }
}
