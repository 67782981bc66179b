package io.envkeeper.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service writes for itself (its data directory, the embedded database's password, the
 * instance lock, worker logs) is readable by its own user only: directories 0700, files 0600.
 * Permissions are given explicitly at creation, never left to the umask, and the umask itself is
 * left alone: workers inherit it, and what they write in a user's workspace is the user's business.
 *
 * <p>{@link #restrict} takes group and other bits off what an earlier release created more openly.
 * It never follows a symlink, and a path it may not change (a volume root owned by another user)
 * is logged, not fatal: the files inside are still created owner-only.
 */
public final class OwnerOnlyFiles {

  private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFiles.class);

  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_AND_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnlyFiles() {}

  /** {@code rwx------}, for {@link Files#createDirectory} and friends. */
  public static FileAttribute<Set<PosixFilePermission>> directoryAttribute() {
    return PosixFilePermissions.asFileAttribute(DIRECTORY);
  }

  /** {@code rw-------}, for {@link Files#newByteChannel} and friends. */
  public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(FILE);
  }

  /**
   * Creates {@code directory} and its missing parents, each 0700, and takes group and other bits
   * off {@code directory} if it already existed.
   */
  public static Path createDirectories(Path directory) {
    try {
      Files.createDirectories(directory, directoryAttribute());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + directory, e);
    }
    restrict(directory);
    return directory;
  }

  /**
   * Replaces {@code file} with {@code content} atomically: a 0600 temporary file in the same
   * directory, flushed to disk, renamed over it. A crash leaves the old content or the new, never
   * half of either.
   */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try (FileChannel channel =
        FileChannel.open(
            temporary, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttribute())) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(file.getParent());
  }

  /** Takes group and other permission bits off {@code path} (not following a symlink). */
  public static void restrict(Path path) {
    if (narrow(path)) {
      log.info("permissions of {} narrowed to owner-only", path);
    }
  }

  /** {@link #restrict} without the log line; true when it took bits off. */
  private static boolean narrow(Path path) {
    try {
      PosixFileAttributeView view =
          Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      PosixFileAttributes attributes = view.readAttributes();
      if (attributes.isSymbolicLink()) {
        return false; // chmod would act on the target: never
      }
      Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
      permissions.addAll(attributes.permissions());
      if (permissions.removeAll(GROUP_AND_OTHER)) {
        view.setPermissions(permissions);
        return true;
      }
    } catch (NoSuchFileException e) {
      // nothing to protect
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot make {} owner-only ({}); other local users may read it", path, e.toString());
    }
    return false;
  }

  /**
   * {@link #restrict} on {@code root} and everything under it, never following a symlink; one log
   * line for the tree (a freshly unpacked PostgreSQL has a thousand files).
   */
  public static void restrictTree(Path root) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      restrict(root);
      return;
    }
    AtomicInteger narrowed = new AtomicInteger();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          count(narrow(dir));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          count(narrow(file));
          return FileVisitResult.CONTINUE;
        }

        private void count(boolean narrowedThis) {
          if (narrowedThis) {
            narrowed.incrementAndGet();
          }
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          log.warn("cannot make {} owner-only ({})", file, e.toString());
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("cannot make everything under {} owner-only ({})", root, e.toString());
    }
    if (narrowed.get() > 0) {
      log.info("permissions of {} path(s) under {} narrowed to owner-only", narrowed.get(), root);
    }
  }

  private static void forceDirectory(Path directory) {
    // The rename is durable only once the directory entry is on disk.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      log.debug("cannot flush directory {} ({})", directory, e.toString());
    }
  }
}
