package io.envkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Helm, fetched by the repository's own {@code helm/tools/fetch-helm.sh} into {@code target/tools}
 * and run with no cluster. When Helm cannot be fetched this throws, so every chart test fails
 * loudly instead of being skipped.
 */
final class Helm {

  static final Path CHART = Path.of("helm");
  private static final Path FETCH_SCRIPT = CHART.resolve("tools/fetch-helm.sh");
  private static final Path TOOLS = Path.of("target/tools");
  private static final Path RUNS = Path.of("target/helm-runs");
  private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

  private static Path binary;

  /** Output of one Helm command. */
  record Result(int exitCode, String stdout, String stderr) {

    boolean succeeded() {
      return exitCode == 0;
    }

    /** Stdout, or an assertion error carrying Helm's own words. */
    String stdoutOrFail(String what) {
      if (!succeeded()) {
        throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + stderr + stdout);
      }
      return stdout;
    }
  }

  private Helm() {}

  static synchronized Path binary() {
    if (binary == null) {
      // npm's own cache under target/ too: the tests leave nothing outside the build folder.
      binary = requireFetched(fetch(TOOLS, Map.of("npm_config_cache", TOOLS.resolve("npm-cache").toAbsolutePath().toString())));
    }
    return binary;
  }

  /** Runs the repository's fetch script into {@code cache}, with extra environment variables. */
  static Result fetch(Path cache, Map<String, String> environment) {
    return run(List.of("bash", FETCH_SCRIPT.toString(), cache.toString()), FETCH_TIMEOUT, environment);
  }

  /** The fetched binary, or the loud failure that fails every chart test. */
  static Path requireFetched(Result fetched) {
    if (!fetched.succeeded()) {
      throw new AssertionError(
          "Helm could not be fetched, so the chart cannot be checked; this is a build failure, not a"
              + " skip. " + FETCH_SCRIPT + " said (exit " + fetched.exitCode() + "):\n" + fetched.stderr());
    }
    return Path.of(fetched.stdout().strip());
  }

  /** {@code helm template envkeeper helm <args>}: the release is named like the README's examples. */
  static Result template(String... args) {
    List<String> command = new ArrayList<>(List.of(binary().toString(), "template", "envkeeper", CHART.toString()));
    command.addAll(List.of(args));
    return run(command, RUN_TIMEOUT, Map.of());
  }

  /** {@code helm lint --strict helm <args>}. */
  static Result lint(String... args) {
    List<String> command = new ArrayList<>(List.of(binary().toString(), "lint", "--strict", CHART.toString()));
    command.addAll(List.of(args));
    return run(command, RUN_TIMEOUT, Map.of());
  }

  /** A new empty directory under target/ for one test's files. */
  static Path scratchDirectory(String name) {
    try {
      return Files.createDirectories(RUNS.resolve(name + "-" + System.nanoTime()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a values file under target/ for a test's own overrides. */
  static Path valuesFile(String name, String yaml) {
    try {
      Files.createDirectories(RUNS);
      return Files.writeString(RUNS.resolve(name + "-values.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result run(List<String> command, Duration timeout, Map<String, String> environment) {
    try {
      Files.createDirectories(RUNS);
      // Files rather than pipes: Helm's output can exceed a pipe buffer, and files need no reader threads.
      Path out = Files.createTempFile(RUNS, "helm", ".out");
      Path err = Files.createTempFile(RUNS, "helm", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(command + " did not finish within " + timeout);
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }
}
