package io.envkeeper.runtime.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/stat}: what the kernel says of a process right now.
 *
 * @param state one letter: R, S, D, Z (zombie), T, ...
 * @param startTicks field 22, the start time in clock ticks since boot: with the pid, it names one
 *     process for the life of the boot (a recycled pid gets a later start time)
 */
record ProcStat(int pid, char state, int ppid, int pgrp, int session, long startTicks) {

  private static final Path PROC = Path.of("/proc");

  boolean isZombie() {
    return state == 'Z';
  }

  /** The process as it is now, or empty if there is none with this pid. */
  static Optional<ProcStat> of(int pid) {
    try {
      return Optional.of(parse(pid, Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code pid} still names the process that started at {@code startTicks}, not yet a zombie. */
  static boolean isAlive(int pid, long startTicks) {
    return of(pid).filter(stat -> stat.startTicks() == startTicks && !stat.isZombie()).isPresent();
  }

  /** Every process visible now. */
  static List<ProcStat> all() {
    List<ProcStat> processes = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> isNumeric(entry.getFileName().toString()))) {
      for (Path entry : entries) {
        of(Integer.parseInt(entry.getFileName().toString())).ifPresent(processes::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return processes;
  }

  /**
   * Parses a stat line. The command (field 2) is in parentheses and may itself contain spaces and
   * parentheses, so fields are counted from the last ')'.
   */
  static ProcStat parse(int pid, String line) {
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); field n is fields[n - 3].
    return new ProcStat(
        pid,
        fields[0].charAt(0),
        Integer.parseInt(fields[1]),
        Integer.parseInt(fields[2]),
        Integer.parseInt(fields[3]),
        Long.parseLong(fields[19]));
  }

  /**
   * The children of process {@code pid}, from {@code /proc/<pid>/task/<tid>/children} (each thread
   * lists the ones it parents): a few small reads, where {@link #all} reads every process of the
   * host. Empty when the kernel has no such files (built without {@code CONFIG_PROC_CHILDREN}).
   */
  static Optional<List<Integer>> childrenOf(int pid) {
    List<Integer> children = new ArrayList<>();
    Path tasks = PROC.resolve(Integer.toString(pid)).resolve("task");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
      for (Path task : entries) {
        Path file = task.resolve("children");
        if (!Files.exists(file)) {
          return Optional.empty();
        }
        readChildren(file, children);
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(children);
  }

  /** The pids listed in one {@code /proc/<pid>/task/<tid>/children} file; empty if it is unreadable. */
  static List<Integer> readChildren(Path file) {
    List<Integer> children = new ArrayList<>();
    readChildren(file, children);
    return children;
  }

  private static void readChildren(Path file, List<Integer> into) {
    try {
      for (String child : Files.readString(file).trim().split(" ")) {
        if (!child.isEmpty()) {
          into.add(Integer.parseInt(child));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the thread ended meanwhile: it parents nobody any more
    }
  }

  private static boolean isNumeric(String name) {
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  /** This boot's id: a recorded pid and start time mean nothing after a reboot. */
  static String bootId() {
    try {
      return Files.readString(PROC.resolve("sys/kernel/random/boot_id")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
