package io.envkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Directory trees deeper than {@code PATH_MAX}, made and removed by child processes that work
 * relative to their current directory ({@code mkdir -p}, {@code rm -rf}), as a user's build or a
 * package manager would make them. The clean-up does not depend on the code under test.
 */
public final class DeepTrees {

  /** Longest a child may take; deep trees are slow to remove on a disk mounted with discard. */
  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(3);

  private DeepTrees() {}

  /**
   * Makes {@code parent/top/d/d/.../d} with {@code depth} directories named {@code d} below
   * {@code top}, in one {@code mkdir -p} (which walks relative to each level: no path is ever
   * resolved whole). Returns {@code parent/top}.
   */
  public static Path chain(Path parent, String top, int depth) {
    StringBuilder path = new StringBuilder(top);
    for (int i = 0; i < depth; i++) {
      path.append("/d");
    }
    run(parent, List.of("mkdir", "-p", path.toString()));
    return parent.resolve(top);
  }

  /** The relative path of level {@code level} of a chain made by {@link #chain} (level 0 is {@code top}). */
  public static Path level(String top, int level) {
    StringBuilder path = new StringBuilder(top);
    for (int i = 0; i < level; i++) {
      path.append("/d");
    }
    return Path.of(path.toString());
  }

  /** Removes {@code path} and everything under it without following links; nothing if it is gone. */
  public static void remove(Path path) {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      run(path.getParent(), List.of("rm", "-rf", "--one-file-system", "--", path.getFileName().toString()));
    }
  }

  private static void run(Path directory, List<String> command) {
    Process process;
    try {
      process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      process.getOutputStream().close();
      if (!process.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(command.get(0) + " did not finish within " + CHILD_TIMEOUT);
      }
      String output = new String(process.getInputStream().readAllBytes());
      if (process.exitValue() != 0) {
        throw new IllegalStateException(command.get(0) + " failed (" + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      process.destroyForcibly();
    }
  }
}
