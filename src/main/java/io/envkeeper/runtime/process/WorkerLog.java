package io.envkeeper.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A worker's combined stdout/stderr, capped: when the file passes {@code maxBytes} it becomes
 * {@code <name>.1} (replacing the previous one) and a new file starts, so a worker never holds more
 * than twice the cap on disk. The service writes it (the worker only has a pipe), so the cap holds.
 */
public final class WorkerLog implements AutoCloseable {

  private final Path file;
  private final Path previous;
  private final long maxBytes;
  private OutputStream out;
  private long written;

  /**
   * Opens the log of a new worker ({@code append} false: a fresh file) or of a restarted one
   * ({@code append} true: the log continues where the previous process left it).
   */
  WorkerLog(Path file, long maxBytes, boolean append) {
    this.file = file;
    this.previous = file.resolveSibling(file.getFileName() + ".1");
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(file.getParent());
      this.out = Files.newOutputStream(file, StandardOpenOption.CREATE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
      this.written = append ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open worker log " + file, e);
    }
  }

  synchronized void write(byte[] bytes, int length) throws IOException {
    if (out == null) {
      return;
    }
    if (written + length > maxBytes && written > 0) {
      rotate();
    }
    out.write(bytes, 0, length);
    out.flush();
    written += length;
  }

  private void rotate() throws IOException {
    out.close();
    Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    written = 0;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
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
