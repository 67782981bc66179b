package io.envkeeper.runtime.process;

import io.envkeeper.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What is left of a worker's log on disk, addressed by offset (bytes since the worker started):
 * the rotated predecessor {@code <name>.1}, then the current file. Both are opened together, so a
 * rotation after {@link #open} does not move what this view reads (an open file survives its
 * rename); it is read without the writer's lock, so the output pump never waits for a reader.
 */
public final class KeptLog implements AutoCloseable {

  /** Attempts to open the files between two rotations; a rotation takes a few file operations. */
  private static final int MAX_ATTEMPTS = 20;

  private final FileChannel previous;
  private final FileChannel current;
  private final long previousStart;
  private final long currentStart;
  private final boolean startsAtLine;

  private KeptLog(FileChannel previous, FileChannel current, Offsets offsets) throws IOException {
    this.previous = previous;
    this.current = current;
    this.currentStart = offsets.currentStart();
    this.previousStart = previous == null ? currentStart : Math.max(0, currentStart - previous.size());
    this.startsAtLine = previous == null ? offsets.currentStartsAtLine() : offsets.previousStartsAtLine();
  }

  /**
   * Opens the kept log of {@code file}. The offsets file is read before and after the files are
   * opened: if a rotation came in between, it is tried again.
   *
   * @throws NoSuchFileException when the worker has no log (any more)
   */
  public static KeptLog open(Path file) throws IOException {
    Path offsetsFile = offsetsFile(file);
    for (int attempt = 1; ; attempt++) {
      Offsets before = Offsets.read(offsetsFile);
      FileChannel previous = openIfExists(file.resolveSibling(file.getFileName() + ".1"));
      FileChannel current;
      try {
        current = FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        closeQuietly(previous);
        if (attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        continue; // between a rotation's move and its new file
      }
      if (before.equals(Offsets.read(offsetsFile)) || attempt >= MAX_ATTEMPTS) {
        return new KeptLog(before.currentStart() == 0 ? null : previous, current, before);
      }
      closeQuietly(previous);
      closeQuietly(current);
    }
  }

  /** Offset of the oldest byte still kept. */
  public long start() {
    return previousStart;
  }

  /** Offset after the newest byte written so far (it grows while the worker writes). */
  public long end() throws IOException {
    return currentStart + current.size();
  }

  /** Whether the oldest kept byte begins a line (false when a rotation cut a line in two). */
  public boolean startsAtLine() {
    return startsAtLine;
  }

  /**
   * Reads bytes from {@code offset} (at least {@link #start()}) into {@code buffer}.
   *
   * @return how many bytes were read; 0 at the end
   */
  public int read(long offset, ByteBuffer buffer) throws IOException {
    if (offset < previousStart) {
      throw new IllegalArgumentException("offset " + offset + " is before the kept log (" + previousStart + ")");
    }
    int read = 0;
    if (previous != null && offset < currentStart) {
      int n = previous.read(buffer, offset - previousStart);
      if (n > 0) {
        read += n;
        offset += n;
      }
      if (offset < currentStart) {
        return read; // the buffer is full
      }
    }
    if (buffer.hasRemaining()) {
      int n = current.read(buffer, offset - currentStart);
      read += Math.max(n, 0);
    }
    return read;
  }

  @Override
  public void close() {
    closeQuietly(previous);
    closeQuietly(current);
  }

  /** Records where the new current file starts (called by the writer at a rotation). */
  static void writeOffsets(Path file, long currentStart, boolean currentStartsAtLine, boolean previousStartsAtLine)
      throws IOException {
    String text = currentStart + " " + (currentStartsAtLine ? 1 : 0) + " " + (previousStartsAtLine ? 1 : 0) + "\n";
    OwnerOnlyFiles.writeAtomically(offsetsFile(file), text.getBytes(StandardCharsets.US_ASCII));
  }

  private static Path offsetsFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".offsets");
  }

  private static FileChannel openIfExists(Path path) throws IOException {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // read-only: nothing to lose
      }
    }
  }

  /** The offsets file: absent until the first rotation (the current file then starts at 0). */
  record Offsets(long currentStart, boolean currentStartsAtLine, boolean previousStartsAtLine) {

    /** The offsets of the log at {@code file} (a restarted worker's log continues from them). */
    static Offsets of(Path file) throws IOException {
      return read(offsetsFile(file));
    }

    static Offsets read(Path path) throws IOException {
      String text;
      try {
        text = Files.readString(path, StandardCharsets.US_ASCII).strip();
      } catch (NoSuchFileException e) {
        return new Offsets(0, true, true);
      }
      String[] parts = text.split(" ");
      try {
        return new Offsets(Long.parseLong(parts[0]), "1".equals(parts[1]), "1".equals(parts[2]));
      } catch (RuntimeException e) {
        throw new IOException("unreadable log offsets in " + path + ": '" + text + "'", e);
      }
    }
  }
}
