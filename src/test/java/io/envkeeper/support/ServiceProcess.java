package io.envkeeper.support;

import static org.awaitility.Awaitility.await;

import io.envkeeper.config.FaultPoint;
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
 * The packaged service run as a child process. Tests kill it with SIGKILL or stop it with SIGTERM,
 * and always leave nothing running behind.
 *
 * <p>Start-up dominates the jar tests' time, so by default the service runs in the form the
 * build prepares before them (pom.xml, pre-integration-test): the packaged jar extracted into plain
 * jars, the layout the image runs, started with a class-data archive of one start-up. That is the
 * same code with about 45 % less CPU per start. A data dir that has no PostgreSQL binaries yet gets
 * a copy of the ones the build's start-up unpacked (owner-only, as the service leaves them), instead
 * of unpacking them again (4 s of CPU each). {@link #startPackaged} runs the packaged jar itself
 * with {@code java -jar}, as the README does; without the prepared form (a test run outside
 * Maven's lifecycle) every start does.
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

  /** Like {@link #start(Path, List)}, with {@code java -jar} on the packaged jar itself. */
  public static ServiceProcess startPackaged(Path workDirectory, List<String> arguments) {
    List<String> withTokens = new ArrayList<>(TestTokens.arguments());
    withTokens.addAll(arguments);
    ServiceProcess service = launch(workDirectory, withTokens, List.of(), Map.of(), freePort(), JarForm.PACKAGED);
    service.awaitReady();
    return service;
  }

  /** Starts the jar with only these arguments: no token configured (the development-token case). */
  public static ServiceProcess startWithoutTestTokens(Path workDirectory, List<String> arguments) {
    ServiceProcess service = launchWithoutTestTokens(workDirectory, arguments);
    service.awaitReady();
    return service;
  }

  /** Starts the jar (test tokens configured) without waiting for readiness: for runs expected to fail. */
  public static ServiceProcess launch(Path workDirectory, List<String> arguments) {
    return launch(workDirectory, arguments, Map.of());
  }

  /** {@link #launch(Path, List)} with these variables added to the jar's environment. */
  public static ServiceProcess launch(Path workDirectory, List<String> arguments, Map<String, String> environment) {
    List<String> withTokens = new ArrayList<>(TestTokens.arguments());
    withTokens.addAll(arguments);
    return launch(workDirectory, withTokens, List.of(), environment);
  }

  /** {@link #start(Path, List)} with these variables added to the jar's environment. */
  public static ServiceProcess start(Path workDirectory, List<String> arguments, Map<String, String> environment) {
    ServiceProcess service = launch(workDirectory, arguments, environment);
    service.awaitReady();
    return service;
  }

  /**
   * The command-line arguments of a fault-injection run that halts the jar (as kill -9 would) at
   * {@code point}: the {@code fault-injection} profile and the point, both on the command line, the
   * only place they count (see FaultInjectionConfiguration).
   */
  public static List<String> crashingAt(FaultPoint point) {
    return List.of("--spring.profiles.active=fault-injection", "--envkeeper.test.crash-at=" + point.id());
  }

  /** Likewise, for a run whose thread reaching {@code point} hangs for good. */
  public static List<String> hangingAt(FaultPoint point) {
    return List.of("--spring.profiles.active=fault-injection", "--envkeeper.test.hang-at=" + point.id());
  }

  /** Likewise, for a run whose lease heartbeats stall while {@code file} exists (the database stays reachable). */
  public static List<String> stallingHeartbeatsWhile(Path file) {
    return List.of("--spring.profiles.active=fault-injection", "--envkeeper.test.heartbeat-stall-file=" + file);
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
    return launch(workDirectory, arguments, commandPrefix, environment, port, JarForm.PREPARED);
  }

  private static ServiceProcess launch(
      Path workDirectory,
      List<String> arguments,
      List<String> commandPrefix,
      Map<String, String> environment,
      int port,
      JarForm form) {
    List<String> command = new ArrayList<>(commandPrefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The options the build's class-data archive was made with (pom.xml): start-up dominates
    // these tests, and C1 only and the serial collector start fastest.
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    // The embedded PostgreSQL's scratch files stay in the test's directory, not in /tmp.
    command.add("-Djava.io.tmpdir=" + workDirectory.resolve("tmp"));
    command.addAll(form.jarArguments());
    // Copied as this user: not for a service run as another one (the command prefix), which must
    // own its data dir.
    if (form == JarForm.PREPARED && commandPrefix.isEmpty()) {
      dataDirectory(arguments).ifPresent(PreparedPostgres::seed);
    }
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

  private static Optional<Path> dataDirectory(List<String> arguments) {
    String option = "--envkeeper.data-dir=";
    return arguments.stream().filter(a -> a.startsWith(option)).reduce((first, last) -> last)
        .map(a -> Path.of(a.substring(option.length())));
  }

  /** How the service's classes are started: see the class comment. */
  private enum JarForm {
    PACKAGED,
    PREPARED;

    List<String> jarArguments() {
      Path packaged = existingFile("envkeeper.jar")
          .orElseThrow(() -> new IllegalStateException(
              "system property envkeeper.jar must name the packaged jar, got " + System.getProperty("envkeeper.jar")));
      Optional<Path> extracted = existingFile("envkeeper.jar.extracted");
      Optional<Path> archive = existingFile("envkeeper.jar.class-archive");
      if (this == PACKAGED || extracted.isEmpty()) {
        return List.of("-jar", packaged.toString());
      }
      List<String> arguments = new ArrayList<>();
      // A missing or stale archive only costs speed: the JVM then starts without it.
      archive.ifPresent(file -> arguments.addAll(List.of("-XX:SharedArchiveFile=" + file, "-Xlog:cds=off")));
      arguments.addAll(List.of("-jar", extracted.get().toString()));
      return arguments;
    }

    private static Optional<Path> existingFile(String property) {
      return Optional.ofNullable(System.getProperty(property)).map(Path::of).filter(Files::isRegularFile);
    }
  }
}
