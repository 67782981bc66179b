package io.envkeeper.ops;

import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds {@code <data-dir>/instance.lock} for the life of the process, so two services never share
 * a data directory (its embedded database, its workspaces). Taken with {@code tryLock} in a
 * bounded retry loop, never a blocking lock; the holder's pid is written into the file so the
 * loser can name it. The kernel drops the lock with the process, also on kill -9.
 */
public final class InstanceLock implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InstanceLock.class);
  static final String FILE_NAME = "instance.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails with a message naming the holder's pid. */
  public static InstanceLock acquire(EnvkeeperProperties envkeeper, InstanceLockProperties properties) {
    Path file = envkeeper.dataDir().toAbsolutePath().normalize().resolve(FILE_NAME);
    try {
      // The data dir holds the database, its password and tenants' worker output: owner-only,
      // also when an earlier release created it open.
      OwnerOnlyFiles.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(
              file,
              EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
              OwnerOnlyFiles.fileAttribute());
      OwnerOnlyFiles.restrict(file);
      FileLock lock = tryLock(channel, properties, file);
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new IllegalStateException(
            "another Envkeeper (pid " + holder + ") holds " + file + "; two services cannot share a data dir."
                + " Stop it, or give this one another envkeeper.data-dir.");
      }
      writeHolder(channel);
      log.info("instance lock {} taken by pid {}", file, ProcessHandle.current().pid());
      return new InstanceLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open instance lock " + file, e);
    }
  }

  private static FileLock tryLock(FileChannel channel, InstanceLockProperties properties, Path file)
      throws IOException {
    long deadline = System.nanoTime() + properties.deadline().toNanos();
    long backoffNanos = properties.backoff().toNanos();
    for (int attempt = 1; attempt <= properties.attempts(); attempt++) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        return null; // held by this very JVM: retrying cannot help
      }
      long remaining = deadline - System.nanoTime();
      if (attempt == properties.attempts() || remaining <= 0) {
        break;
      }
      log.warn("instance lock {} is held (attempt {}/{}); retrying", file, attempt, properties.attempts());
      // parkNanos, not a blocking lock: a SIGTERM during the wait still shuts the JVM down.
      LockSupport.parkNanos(Math.min(backoffNanos, remaining));
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      backoffNanos *= 2;
    }
    return null;
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    channel.read(buffer, 0);
    String holder = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    return holder.isEmpty() ? "unknown" : holder;
  }

  private static void writeHolder(FileChannel channel) throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
