package io.envkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL binaries the build's start-up unpacked (pom.xml, pre-integration-test),
 * copied into a fresh data dir so its first start does not unpack them again. What the service
 * finds is what it left there itself on an earlier start: the same files, owner-only.
 */
final class PreparedPostgres {

  private static final String BINARIES = "postgres-binaries";

  private PreparedPostgres() {}

  /** Copies the prepared binaries into {@code dataDir} unless it has binaries already or none were prepared. */
  static void seed(Path dataDir) {
    String prepared = System.getProperty("envkeeper.jar.postgres-binaries");
    if (prepared == null || !Files.isDirectory(Path.of(prepared)) || Files.exists(dataDir.resolve(BINARIES))) {
      return;
    }
    try {
      if (!Files.exists(dataDir)) {
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      copyTree(Path.of(prepared), dataDir.resolve(BINARIES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.toList(); // parents before children
    }
    for (Path path : paths) {
      Files.copy(path, target.resolve(source.relativize(path).toString()),
          StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    }
    // The unpacker takes a version's directory as complete when its ".exists" marker is at least as
    // new as the directory and everything in it: mark them complete now that all is copied.
    FileTime now = FileTime.from(Instant.now());
    try (Stream<Path> versions = Files.list(target)) {
      for (Path marker : versions.map(version -> version.resolve(".exists")).filter(Files::exists).toList()) {
        Files.setLastModifiedTime(marker, now);
      }
    }
  }
}
