package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Compares one directory as listed with what the {@link Manifest} holds of it: an entry not in the
 * manifest is a CREATE, one whose type, size or mtime differs a MODIFY (a DELETE and a CREATE when
 * its type changed), one in the manifest but not listed a DELETE. The manifest is brought up to
 * date either way; the changes are reported unless the walk only builds the manifest (the first
 * walk of a workspace whose earlier state is unknown). The same code serves the start-up diff, the
 * walk of a new directory, the rescan after an overflow and every scan of a polled workspace.
 */
final class DirectoryDiff {

  private final Manifest manifest;
  private final ChangeRecorder recorder;

  DirectoryDiff(Manifest manifest, ChangeRecorder recorder) {
    this.manifest = manifest;
    this.recorder = recorder;
  }

  /** Starts the diff of the directory at {@code relative}; feed it every entry listed, then finish it. */
  Listing start(Path relative, boolean report) {
    return new Listing(relative, manifest.directoryFor(relative), report);
  }

  /** One listing of one directory. */
  final class Listing {

    private final Path relative;
    private final ManifestDirectory known;
    private final boolean report;
    /** Entries known before the listing that it found; the rest are gone. */
    private final boolean[] seen;

    private Listing(Path relative, ManifestDirectory known, boolean report) {
      this.relative = relative;
      this.known = known;
      this.report = report;
      this.seen = new boolean[known.count()];
    }

    /** An entry of the listing; returns whether it is a directory (symlinks are not followed). */
    boolean found(Path entry, Path name) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        return false; // gone since it was listed: its DELETE event follows, or the next scan finds it gone
      }
      byte type = Manifest.typeOf(attributes);
      long size = attributes.size();
      long mtime = Manifest.mtimeOf(attributes);
      byte[] key = Manifest.name(name);
      int position = known.find(key);
      if (position < 0) {
        known.put(key, type, size, mtime);
        manifest.touched();
        announce(ChangeKind.CREATE, name);
      } else {
        if (position < seen.length) {
          seen[position] = true;
        }
        byte recorded = known.type(position);
        if (Manifest.differs(recorded, known.size(position), known.mtime(position), type, size, mtime)) {
          known.put(key, type, size, mtime);
          manifest.touched();
          if (recorded != type && recorded != ManifestDirectory.UNKNOWN) {
            announce(ChangeKind.DELETE, name);
            announce(ChangeKind.CREATE, name);
          } else {
            announce(ChangeKind.MODIFY, name);
          }
        }
      }
      return type == ManifestDirectory.DIRECTORY;
    }

    /** After the whole listing: what the manifest knew and the listing did not find is gone. */
    void finish() {
      // Downwards: a removal moves the last entry into the hole, and every entry above was judged.
      for (int position = seen.length - 1; position >= 0; position--) {
        if (!seen[position]) {
          Path name = Path.of(Manifest.name(known.name(position)));
          known.removeAt(position);
          manifest.touched();
          announce(ChangeKind.DELETE, name);
        }
      }
    }

    private void announce(ChangeKind kind, Path name) {
      if (report) {
        recorder.announce(kind, relative.resolve(name));
      }
    }
  }
}
