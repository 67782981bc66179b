package io.envkeeper.workspace;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.UUID;

/**
 * Deletes one directory tree, iteratively and with a bounded number of open files, however deep.
 *
 * <p>Everything is relative to an open directory ({@link SecureDirectoryStream}: openat, unlinkat,
 * renameat, fstatat), so no path is ever resolved whole and {@code PATH_MAX} never applies; a
 * symlink is unlinked, never entered (directories are opened with {@code O_NOFOLLOW}, and an entry
 * swapped for a link since it was looked at fails to open and is unlinked), so nothing outside the
 * tree is touched.
 *
 * <p>Bounded descriptors: at most {@link #MAX_OPEN_DIRECTORIES} directories are open at a time
 * (the branch from the top down to the one being emptied). A subdirectory found below that depth is
 * not opened: it is renamed up into the top directory under a fresh name and deleted from there
 * later, when this branch is closed. Renaming keeps the work O(entries) (each directory is renamed
 * at most once per {@code MAX_OPEN_DIRECTORIES} levels) and never walks back up through
 * {@code ..}, which a concurrent rename could point outside the tree. A directory whose listing
 * missed entries (ones renamed into it, or written meanwhile) is listed again as long as a pass
 * removes something.
 */
final class DirectoryTreeDeleter {

  /** Directories open at once; each holds two descriptors (the stream and its directory fd). */
  static final int MAX_OPEN_DIRECTORIES = 16;
  /** Listings of one directory in a row that remove nothing before it is given up as not empty. */
  private static final int MAX_FRUITLESS_PASSES = 3;
  /** Fresh names tried for one rename before giving up (another process taking each one). */
  private static final int MAX_RENAME_ATTEMPTS = 10;

  /** An open directory being emptied. */
  private static final class Level {
    final SecureDirectoryStream<Path> directory;
    final Path name;
    final Iterator<Path> entries;
    final int fruitlessPasses;
    boolean removedSomething;

    Level(SecureDirectoryStream<Path> directory, Path name, int fruitlessPasses) {
      this.directory = directory;
      this.name = name;
      this.entries = directory.iterator();
      this.fruitlessPasses = fruitlessPasses;
    }
  }

  private final SecureDirectoryStream<Path> parent;
  private final Deque<Level> open = new ArrayDeque<>();
  private final String renamePrefix = ".envkeeper-deleting-" + UUID.randomUUID() + "-";
  private long renamed;

  private DirectoryTreeDeleter(SecureDirectoryStream<Path> parent) {
    this.parent = parent;
  }

  /** Deletes {@code name} in {@code parent} and, if it is a directory, everything in it. Gone already: nothing. */
  static void delete(SecureDirectoryStream<Path> parent, Path name) throws IOException {
    new DirectoryTreeDeleter(parent).run(name);
  }

  private void run(Path name) throws IOException {
    try {
      removeOrEnter(parent, name, 0);
      while (!open.isEmpty()) {
        step(open.peek());
      }
    } finally {
      for (Level level : open) {
        level.directory.close();
      }
    }
  }

  private void step(Level level) throws IOException {
    Path entry = next(level);
    if (entry == null) {
      leave(level);
    } else if (open.size() < MAX_OPEN_DIRECTORIES) {
      level.removedSomething |= removeOrEnter(level.directory, entry, 0);
    } else {
      level.removedSomething |= moveToTop(level, entry);
    }
  }

  /**
   * Unlinks {@code name} if it is not a directory (a symlink included), else opens it as the next
   * level. Returns whether it removed something.
   */
  private boolean removeOrEnter(SecureDirectoryStream<Path> directory, Path name, int fruitlessPasses)
      throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!attributes.isDirectory()) {
      return deleteFile(directory, name);
    }
    try {
      open.push(new Level(directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS), name, fruitlessPasses));
      return false;
    } catch (NoSuchFileException e) {
      return false;
    } catch (NotDirectoryException e) {
      return deleteFile(directory, name); // swapped for a file since we looked
    } catch (FileSystemException e) {
      if (isLoop(e)) {
        return deleteFile(directory, name); // swapped for a symlink since we looked: never follow it
      }
      throw e;
    }
  }

  /** Its listing is done: close it and remove it from its parent, or list it again if it is not empty. */
  private void leave(Level level) throws IOException {
    open.pop();
    level.directory.close();
    SecureDirectoryStream<Path> container = open.isEmpty() ? parent : open.peek().directory;
    try {
      container.deleteDirectory(level.name);
      if (!open.isEmpty()) {
        open.peek().removedSomething = true;
      }
    } catch (NoSuchFileException e) {
      // removed concurrently: the goal is reached
    } catch (DirectoryNotEmptyException e) {
      int fruitless = level.removedSomething ? 0 : level.fruitlessPasses + 1;
      if (fruitless >= MAX_FRUITLESS_PASSES) {
        throw e;
      }
      removeOrEnter(container, level.name, fruitless);
    }
  }

  /** Renames a subdirectory too deep to open into the top directory, to be deleted from there. */
  private boolean moveToTop(Level level, Path entry) throws IOException {
    SecureDirectoryStream<Path> top = open.peekLast().directory;
    for (int attempt = 1; ; attempt++) {
      try {
        level.directory.move(entry, top, Path.of(renamePrefix + ++renamed));
        return true;
      } catch (NoSuchFileException e) {
        return false;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        if (attempt >= MAX_RENAME_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static Path next(Level level) throws IOException {
    try {
      return level.entries.hasNext() ? level.entries.next().getFileName() : null;
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
  }

  private static boolean deleteFile(SecureDirectoryStream<Path> directory, Path name) throws IOException {
    try {
      directory.deleteFile(name);
      return true;
    } catch (NoSuchFileException e) {
      return false; // removed concurrently: the goal is reached
    }
  }

  private static boolean isLoop(FileSystemException e) {
    String reason = e.getReason();
    return reason != null && (reason.contains("symbolic links") || reason.contains("ELOOP"));
  }
}
