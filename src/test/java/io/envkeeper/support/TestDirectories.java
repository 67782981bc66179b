package io.envkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Directories for tests, all inside the build folder ({@code target/test-dirs}) so none stray. */
public final class TestDirectories {

  private static final Path BASE = Path.of("target", "test-dirs").toAbsolutePath();

  private TestDirectories() {}

  /** A new, empty directory with a unique name. */
  public static Path create(String purpose) {
    try {
      return Files.createDirectories(BASE.resolve(purpose + "-" + UUID.randomUUID())).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
