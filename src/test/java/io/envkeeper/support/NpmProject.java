package io.envkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js project of the repository (its copy in the build folder, where the build ran
 * {@code npm ci}), whose {@code package.json} scripts a test runs with the machine's {@code npm}.
 * Every run is bounded; one that overstays is killed with its whole process tree.
 */
public final class NpmProject {

  private final Path directory;

  private NpmProject(Path directory) {
    this.directory = directory;
  }

  /**
   * The project in the directory named by this system property. Fails, never skips, when the build
   * did not install it: a check that cannot run must not pass.
   */
  public static NpmProject installedAt(String systemProperty) {
    String location = System.getProperty(systemProperty);
    if (location == null) {
      throw new IllegalStateException("system property " + systemProperty + " is not set (failsafe sets it)");
    }
    Path directory = Path.of(location).toAbsolutePath();
    if (!Files.isDirectory(directory.resolve("node_modules"))) {
      throw new IllegalStateException(directory + "/node_modules is missing: the build runs `npm ci` there in"
          + " pre-integration-test (Node.js 20 and npm must be on the PATH)");
    }
    return new NpmProject(directory);
  }

  public Path directory() {
    return directory;
  }

  /** What a script printed and how it ended. */
  public record Result(String script, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "npm run " + script + " exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** {@code npm run --silent <script> -- <arguments>} with these extra environment variables. */
  public Result run(Duration timeout, Map<String, String> environment, String script, String... arguments) {
    List<String> command = new ArrayList<>(List.of("npm", "run", "--silent", script));
    if (arguments.length > 0) {
      command.add("--");
      command.addAll(List.of(arguments));
    }
    try {
      Path logs = Files.createDirectories(directory.resolve("logs"));
      Path stdout = Files.createTempFile(logs, script.replace(':', '-') + "-", ".out");
      Path stderr = Files.createTempFile(logs, script.replace(':', '-') + "-", ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      builder.environment().putAll(environment);
      builder.environment().put("NO_COLOR", "1");
      Process process = start(builder);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        throw new IllegalStateException("npm run " + script + " did not finish within " + timeout
            + "\n--- stdout\n" + Files.readString(stdout) + "\n--- stderr\n" + Files.readString(stderr));
      }
      return new Result(script, process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while npm run " + script + " ran", e);
    }
  }

  private static Process start(ProcessBuilder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run npm (Node.js 20 and npm must be on the PATH): " + e.getMessage(), e);
    }
  }

  /** Children first, so none is reparented away before it is killed. */
  private static void killTree(Process process) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    Collections.reverse(tree);
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
