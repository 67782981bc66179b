package io.envkeeper.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's combined stdout/stderr, capped: when the file passes {@code maxBytes} it becomes
 * {@code <name>.1} (replacing the previous one) and a new file starts, so a worker never holds more
 * than twice the cap on disk. The service writes it (the worker only has a pipe), so the cap holds.
 *
 * <p>Every byte has an offset: the bytes written before it since the worker started. A rotation
 * records where the new file starts in {@code <name>.offsets} ({@link KeptLog} reads it), so offsets
 * stay the same across rotations and restarts while older bytes go. Followers ({@link LogListener})
 * are told of new bytes and of the end; they read the files themselves.
 */
public final class WorkerLog implements AutoCloseable {

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final Path previous;
  private final long maxBytes;
  private final Set<LogListener> listeners = ConcurrentHashMap.newKeySet();
  private final Runnable onClose;
  private OutputStream out;
  private long written;
  /** Bytes written since the worker started: the offset of the next byte. */
  private long total;
  private boolean lastWasNewline = true;
  private boolean currentStartsAtLine = true;
  private boolean previousStartsAtLine = true;
  private boolean closed;

  WorkerLog(Path file, long maxBytes) {
    this(file, maxBytes, false, () -> { });
  }

  /**
   * Opens the log of a new worker ({@code append} false: a fresh file) or of a restarted one
   * ({@code append} true: the log continues where the previous process left it, and so do its
   * offsets: the same worker's byte offsets never go back across restarts).
   */
  WorkerLog(Path file, long maxBytes, boolean append, Runnable onClose) {
    this.file = file;
    this.previous = file.resolveSibling(file.getFileName() + ".1");
    this.maxBytes = maxBytes;
    this.onClose = onClose;
    try {
      Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      if (append && Files.exists(file)) {
        // Resume where the previous process of this worker stopped: the current file starts at the
        // offset recorded at the last rotation (0 if none), and its bytes come after that.
        KeptLog.Offsets offsets = KeptLog.Offsets.of(file);
        this.written = Files.size(file);
        this.total = offsets.currentStart() + written;
        this.currentStartsAtLine = offsets.currentStartsAtLine();
        this.previousStartsAtLine = offsets.previousStartsAtLine();
        this.lastWasNewline = written == 0 ? currentStartsAtLine : endsWithNewline(file, written);
      }
      this.out = open(file, append);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open worker log " + file, e);
    }
  }

  void write(byte[] bytes, int length) throws IOException {
    synchronized (this) {
      if (out == null) {
        return;
      }
      if (written + length > maxBytes && written > 0) {
        rotate();
      }
      out.write(bytes, 0, length);
      out.flush();
      written += length;
      total += length;
      lastWasNewline = length == 0 ? lastWasNewline : bytes[length - 1] == '\n';
    }
    listeners.forEach(LogListener::appended);
  }

  private void rotate() throws IOException {
    out.close();
    Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
    previousStartsAtLine = currentStartsAtLine;
    currentStartsAtLine = lastWasNewline;
    // After the move, before the new file exists: a reader that opened the files between the two
    // sees the offsets change (or no current file) and reads again (KeptLog).
    KeptLog.writeOffsets(file, total, currentStartsAtLine, previousStartsAtLine);
    out = open(file, false);
    written = 0;
  }

  /**
   * Follows the log from now on.
   *
   * @return false if the log is already closed: nothing more will come
   */
  public synchronized boolean follow(LogListener listener) {
    if (closed) {
      return false;
    }
    listeners.add(listener);
    return true;
  }

  public void unfollow(LogListener listener) {
    listeners.remove(listener);
  }

  /** The log file (its rotated predecessor is {@code <name>.1}). */
  public Path file() {
    return file;
  }

  /** A tenant's output: readable by the service's user only (0600), whatever the umask. */
  private static OutputStream open(Path file, boolean append) throws IOException {
    return Channels.newOutputStream(
        FileChannel.open(
            file,
            EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING),
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)));
  }

  private static boolean endsWithNewline(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      channel.read(last, size - 1);
      return last.get(0) == '\n';
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (out != null) {
          out.close();
          out = null;
        }
      } finally {
        onClose.run();
      }
    }
    listeners.forEach(LogListener::ended);
    listeners.clear();
  }

  /** The last {@code lines} lines of the log at {@code file} (and its rotated predecessor). */
  public static List<String> tail(Path file, int lines) throws IOException {
    List<String> all = new ArrayList<>();
    all.addAll(readLines(file.resolveSibling(file.getFileName() + ".1")));
    all.addAll(readLines(file));
    return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static List<String> readLines(Path path) throws IOException {
    try {
      String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
      if (text.isEmpty()) {
        return List.of();
      }
      List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
      if (lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1); // the newline ending the last line starts no new one
      }
      return lines;
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}
