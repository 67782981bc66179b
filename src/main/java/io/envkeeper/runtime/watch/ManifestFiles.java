package io.envkeeper.runtime.watch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where manifests live: {@code <data-dir>/manifests/<environment id>.manifest}, the directory mode
 * 0700 and each file 0600 (they name every file of every workspace). A file is replaced whole (a
 * temporary file renamed over it), so a reader finds the old one or the new one, never a mix. No
 * fsync: a file a power loss cut short fails its checksum and counts as missing (an OVERFLOW at
 * the next start), which costs less than an fsync per write.
 */
final class ManifestFiles {

  private static final Logger log = LoggerFactory.getLogger(ManifestFiles.class);
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

  private final Path directory;

  ManifestFiles(Path directory) {
    this.directory = directory;
  }

  Path fileOf(UUID environmentId) {
    return directory.resolve(environmentId + ".manifest");
  }

  /** The environment's manifest, or null when there is none or it does not check out (logged). */
  ManifestFormat.Decoded load(UUID environmentId) {
    Path file = fileOf(environmentId);
    try {
      return ManifestFormat.decode(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      log.info("environment {}: no manifest at {}", environmentId, file);
    } catch (IOException e) {
      log.warn("environment {}: manifest {} unreadable: {}", environmentId, file, e.toString());
    } catch (ManifestFormat.InvalidManifestException e) {
      log.warn("environment {}: manifest {} refused: {}", environmentId, file, e.getMessage());
    }
    return null;
  }

  /** Replaces the environment's manifest with {@code bytes}. */
  void write(UUID environmentId, byte[] bytes) throws IOException {
    ensureDirectory();
    Path file = fileOf(environmentId);
    Path temporary = directory.resolve(environmentId + ".manifest.tmp");
    try (SeekableByteChannel channel = Files.newByteChannel(temporary,
        EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(OWNER_FILE))) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    // The mode given at creation is filtered by the umask, and a left-over file keeps its own.
    Files.setPosixFilePermissions(temporary, OWNER_FILE);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes the environment's manifest (its environment is destroyed). */
  void delete(UUID environmentId) throws IOException {
    Files.deleteIfExists(fileOf(environmentId));
    Files.deleteIfExists(directory.resolve(environmentId + ".manifest.tmp"));
  }

  private void ensureDirectory() throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
    }
    if (!Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(OWNER_DIRECTORY)) {
      Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
    }
  }
}
