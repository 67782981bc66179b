package io.envkeeper.runtime.watch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * What the service last reported of one workspace: each entry's relative path, type, size and
 * mtime. A path is in it exactly when the last change reported for it was a CREATE or a MODIFY, so
 * diffing the tree against it finds what happened that nobody was told of: while the service was
 * down (against the copy written to disk), while a kernel queue overflowed, or between two scans of
 * a workspace that is polled. Kept in memory per workspace; only its watcher's serial executor
 * touches it.
 */
final class Manifest {

  /** What a manifest file says of itself. */
  record Header(long seq, boolean clean, long writtenAtMillis) {}

  private final ManifestDirectory root;
  private long mutations;

  Manifest() {
    this(new ManifestDirectory());
  }

  Manifest(ManifestDirectory root) {
    this.root = root;
  }

  ManifestDirectory root() {
    return root;
  }

  /** Grows with every change, so that a writer knows whether there is anything new to write. */
  long mutations() {
    return mutations;
  }

  /** Something changed in a directory a caller edits directly (a diff). */
  void touched() {
    mutations++;
  }

  /** Records that {@code relative} is there with these attributes (its parents too, if they were not). */
  void put(Path relative, byte type, long size, long mtime) {
    if (relative.getNameCount() == 0 || relative.toString().isEmpty()) {
      return; // the workspace directory itself is not an entry
    }
    directoryFor(relative.getParent()).put(name(relative.getFileName()), type, size, mtime);
    mutations++;
  }

  /**
   * The directory at {@code relative}, made (with its parents, as directories of unknown size and
   * mtime) when it is not known yet; null or {@code ""} is the workspace directory.
   */
  ManifestDirectory directoryFor(Path relative) {
    ManifestDirectory directory = root;
    if (relative == null || relative.toString().isEmpty()) {
      return directory;
    }
    for (int i = 0; i < relative.getNameCount(); i++) {
      byte[] name = name(relative.getName(i));
      int position = directory.find(name);
      if (position < 0 || directory.type(position) != ManifestDirectory.DIRECTORY) {
        position = directory.put(name, ManifestDirectory.DIRECTORY, 0, 0);
        mutations++;
      }
      directory = directory.childCreating(position);
    }
    return directory;
  }

  /** Records that {@code relative}, and whatever was under it, is gone. */
  void remove(Path relative) {
    if (relative.getNameCount() == 0 || relative.toString().isEmpty()) {
      return; // the workspace directory's loss: what was in it stays known until it is back
    }
    ManifestDirectory directory = root;
    int last = relative.getNameCount() - 1;
    for (int i = 0; i < last && directory != null; i++) {
      int position = directory.find(name(relative.getName(i)));
      directory = position < 0 ? null : directory.child(position);
    }
    if (directory != null) {
      int position = directory.find(name(relative.getName(last)));
      if (position >= 0) {
        directory.removeAt(position);
        mutations++;
      }
    }
  }

  /** The directory at {@code relative} if anything is known under it; null otherwise. */
  ManifestDirectory directory(Path relative) {
    ManifestDirectory directory = root;
    if (relative.toString().isEmpty()) {
      return directory;
    }
    for (int i = 0; i < relative.getNameCount() && directory != null; i++) {
      int position = directory.find(name(relative.getName(i)));
      directory = position < 0 || directory.type(position) != ManifestDirectory.DIRECTORY ? null : directory.child(position);
    }
    return directory;
  }

  /** Entries in the whole manifest (walks it). */
  long entries() {
    long total = 0;
    ArrayDeque<ManifestDirectory> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      ManifestDirectory directory = todo.pop();
      total += directory.count();
      for (int i = 0; i < directory.count(); i++) {
        ManifestDirectory child = directory.child(i);
        if (child != null) {
          todo.push(child);
        }
      }
    }
    return total;
  }

  static byte[] name(Path name) {
    return name.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String name(byte[] name) {
    return new String(name, StandardCharsets.UTF_8);
  }

  static byte typeOf(BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return ManifestDirectory.DIRECTORY;
    }
    if (attributes.isRegularFile()) {
      return ManifestDirectory.FILE;
    }
    return attributes.isSymbolicLink() ? ManifestDirectory.SYMLINK : ManifestDirectory.OTHER;
  }

  static long mtimeOf(BasicFileAttributes attributes) {
    return attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }

  /**
   * Whether an entry as found differs from the one recorded: a directory only by type (its size and
   * mtime follow its entries, which are compared themselves), anything else by type, size or mtime.
   */
  static boolean differs(byte recordedType, long recordedSize, long recordedMtime, byte type, long size, long mtime) {
    if (recordedType == ManifestDirectory.UNKNOWN || recordedType != type) {
      return true;
    }
    return type != ManifestDirectory.DIRECTORY && (recordedSize != size || recordedMtime != mtime);
  }
}
