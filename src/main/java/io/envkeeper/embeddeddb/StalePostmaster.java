package io.envkeeper.embeddeddb;

import io.envkeeper.deadline.Await;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a PostgreSQL server left running by an earlier run of the service that was killed (kill -9
 * leaves the embedded postmaster behind, holding the data directory and its port).
 *
 * <p>It is stale only if no live process holds the embedded database's lock file (the lock goes
 * with its process), and it is ours only if {@code postmaster.pid} names a live postgres process
 * serving this very data directory: anything else is left alone.
 */
class StalePostmaster {

  private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);
  /** Zonky's lock file, held by the JVM that runs the embedded server. */
  private static final String OWNER_LOCK_FILE = "epg-lock";

  private final POSIX posix;
  private final EmbeddedDatabaseProperties bounds;

  StalePostmaster(POSIX posix, EmbeddedDatabaseProperties bounds) {
    this.posix = posix;
    this.bounds = bounds;
  }

  /** Stops the stale postmaster of {@code dataDirectory}, if there is one; bounded by the timeout. */
  void stopIfRunning(Path dataDirectory) throws IOException {
    Optional<Long> pid = postmasterPid(dataDirectory);
    if (pid.isEmpty()) {
      return;
    }
    if (ownerIsAlive(dataDirectory)) {
      throw new IllegalStateException(
          "the embedded database in " + dataDirectory + " is in use by another running process");
    }
    long postmaster = pid.get();
    log.warn("embedded database: stopping stale postmaster pid {} of {} left by an earlier run", postmaster, dataDirectory);
    // SIGINT is PostgreSQL's "fast" shutdown: roll back, checkpoint, exit. Committed data stays.
    posix.kill((int) postmaster, Signal.SIGINT.intValue());
    if (awaitExit(postmaster, bounds.staleStopTimeout())) {
      return;
    }
    log.warn("embedded database: postmaster pid {} ignored SIGINT for {}; sending SIGKILL", postmaster, bounds.staleStopTimeout());
    posix.kill((int) postmaster, Signal.SIGKILL.intValue());
    if (!awaitExit(postmaster, bounds.staleStopTimeout())) {
      throw new IllegalStateException("stale postmaster pid " + postmaster + " did not exit after SIGKILL");
    }
  }

  private Optional<Long> postmasterPid(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    boolean sameDirectory =
        Files.isSameFile(Path.of(lines.get(1).trim()), dataDirectory) && isPostgres(pid);
    return sameDirectory ? Optional.of(pid) : Optional.empty();
  }

  private static boolean isPostgres(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(process -> process.info().command())
        .map(command -> Path.of(command).getFileName().toString().startsWith("postgres"))
        .orElse(false);
  }

  private static boolean ownerIsAlive(Path dataDirectory) throws IOException {
    Path lockFile = dataDirectory.resolve(OWNER_LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    }
  }

  /** Polls: the postmaster is not our child, so there is nothing to wait on but its absence. */
  private boolean awaitExit(long pid, Duration timeout) {
    return Await.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), timeout, bounds.stalePollInterval());
  }
}
