package io.envkeeper.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service jar run as a child process, exactly as a user runs it. Tests kill it with
 * SIGKILL or stop it with SIGTERM, and always leave nothing running behind.
 */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the jar with the {@link TestTokens} configured and these extra arguments on a free port,
   * and waits until it is ready.
   */
  public static ServiceProcess start(Path workDirectory, List<String> arguments) {
    ServiceProcess service = launch(workDirectory, arguments);
    service.awaitReady();
    return service;
  }

  /**
   * Like {@link #start(Path, List)} on a port chosen beforehand ({@link #freePort()}): for a node
   * whose advertise URL other nodes must know.
   */
  public static ServiceProcess start(Path workDirectory, List<String> arguments, int port) {
    ServiceProcess service = launch(workDirectory, arguments, port);
    service.awaitReady();
    return service;
  }

  /** Like {@link #launch(Path, List)} on a port chosen beforehand. */
  public static ServiceProcess launch(Path workDirectory, List<String> arguments, int port) {
    List<String> withTokens = new ArrayList<>(TestTokens.arguments());
    withTokens.addAll(arguments);
    return launchWithoutTestTokens(workDirectory, withTokens, port);
  }

  /** Starts the jar with only these arguments: no token configured (the development-token case). */
  public static ServiceProcess startWithoutTestTokens(Path workDirectory, List<String> arguments) {
    ServiceProcess service = launchWithoutTestTokens(workDirectory, arguments);
    service.awaitReady();
    return service;
  }

  /** Starts the jar (test tokens configured) without waiting for readiness: for runs expected to fail. */
  public static ServiceProcess launch(Path workDirectory, List<String> arguments) {
    List<String> withTokens = new ArrayList<>(TestTokens.arguments());
    withTokens.addAll(arguments);
    return launchWithoutTestTokens(workDirectory, withTokens);
  }

  /**
   * Starts the jar as {@link #start} does, run through {@code commandPrefix} (e.g. {@code setpriv}
   * to run it as another user) and with {@code environment} added to its environment.
   */
  public static ServiceProcess start(
      Path workDirectory, List<String> arguments, List<String> commandPrefix, Map<String, String> environment) {
    List<String> withTokens = new ArrayList<>(TestTokens.arguments());
    withTokens.addAll(arguments);
    ServiceProcess service = launch(workDirectory, withTokens, commandPrefix, environment);
    service.awaitReady();
    return service;
  }

  private static ServiceProcess launchWithoutTestTokens(Path workDirectory, List<String> arguments) {
    return launchWithoutTestTokens(workDirectory, arguments, freePort());
  }

  private static ServiceProcess launchWithoutTestTokens(Path workDirectory, List<String> arguments, int port) {
    return launch(workDirectory, arguments, List.of(), Map.of(), port);
  }

  private static ServiceProcess launch(
      Path workDirectory, List<String> arguments, List<String> commandPrefix, Map<String, String> environment) {
    return launch(workDirectory, arguments, commandPrefix, environment, freePort());
  }

  private static ServiceProcess launch(
      Path workDirectory,
      List<String> arguments,
      List<String> commandPrefix,
      Map<String, String> environment,
      int port) {
    String jar = System.getProperty("envkeeper.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property envkeeper.jar must name the packaged jar, got " + jar);
    }
    List<String> command = new ArrayList<>(commandPrefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // Start-up dominates these tests: C1 only and the serial collector start fastest.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    // The embedded PostgreSQL's scratch files stay in the test's directory, not in /tmp.
    command.add("-Djava.io.tmpdir=" + workDirectory.resolve("tmp"));
    command.add("-jar");
    command.add(jar);
    command.add("--server.port=" + port);
    command.addAll(arguments);
    try {
      Files.createDirectories(workDirectory.resolve("tmp"));
      Path log = Files.createTempFile(Files.createDirectories(workDirectory), "service-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDirectory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new ServiceProcess(process, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ApiClient api() {
    return new ApiClient(port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook runs, exactly like {@code kill -9}. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGTERM and wait for the exit; returns the exit code. */
  public int stop(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Waits for the process to end by itself; returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("service pid " + process.pid() + " did not exit within " + timeout);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitReady() {
    try {
      await()
          // Generous: jar starts take minutes on a machine shared with other builds.
          .atMost(Duration.ofSeconds(240))
          .pollInterval(Duration.ofMillis(250))
          .failFast("service exited during start-up", () -> !process.isAlive())
          .until(() -> isReady());
    } catch (RuntimeException e) {
      close();
      throw new IllegalStateException("service did not become ready; log:\n" + log(), e);
    }
  }

  private boolean isReady() {
    try {
      return api().anonymous().get("/actuator/health/readiness").status() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Leaves nothing running: SIGTERM, then SIGKILL if it lingers. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The pid in a PostgreSQL data directory's postmaster.pid, if a server is running there. */
  public static Optional<Long> postmasterPid(Path postgresData) {
    Path pidFile = postgresData.resolve("postmaster.pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A TCP port free right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
