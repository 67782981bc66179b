package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one workspace's changes: brings its {@link Manifest} up to date, then appends the change
 * to the {@link ChangeLog}, stamped by the clock. The manifest holds a path exactly when the last
 * change reported for it was a CREATE or MODIFY, with the attributes read when it was reported.
 * Only its watcher's serial executor calls it.
 */
record ChangeRecorder(UUID environmentId, Path root, ChangeLog changes, Manifest manifest, Clock clock) {

  private static final Logger log = LoggerFactory.getLogger(ChangeRecorder.class);

  /** A change an event reported; a CREATE or MODIFY has its attributes read here. */
  void record(ChangeKind kind, Path relative) {
    BasicFileAttributes attributes = null;
    if (kind == ChangeKind.CREATE || kind == ChangeKind.MODIFY) {
      attributes = attributes(relative);
    }
    record(kind, relative, attributes);
  }

  /**
   * A change whose attributes the caller read ({@code null}: gone already; the path stays in the
   * manifest as UNKNOWN until its DELETE, so that a crash before it still ends in a DELETE).
   */
  void record(ChangeKind kind, Path relative, BasicFileAttributes attributes) {
    switch (kind) {
      case CREATE, MODIFY -> {
        if (attributes == null) {
          manifest.put(relative, ManifestDirectory.UNKNOWN, -1, -1);
        } else {
          manifest.put(relative, Manifest.typeOf(attributes), attributes.size(), Manifest.mtimeOf(attributes));
        }
      }
      case DELETE -> manifest.remove(relative);
      case OVERFLOW -> { }
    }
    announce(kind, relative);
  }

  /** Only appends to the log: the manifest already says so (a diff). */
  void announce(ChangeKind kind, Path relative) {
    changes.append(kind, relative.toString(), clock.instant());
    log.debug("environment {}: {} {}", environmentId, kind, relative);
  }

  /** The attributes of {@code relative}, not following a symlink; null when it is gone. */
  BasicFileAttributes attributes(Path relative) {
    try {
      return Files.readAttributes(root.resolve(relative), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }
}
