package io.envkeeper.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Processes as the kernel shows them in {@code /proc}: how tests observe what the service did to
 * processes, independently of the service's own (package-private) process code.
 */
public final class OsProcesses {

  private static final Path PROC = Path.of("/proc");

  private OsProcesses() {}

  /** One {@code /proc/<pid>/stat} line: state letter, parent, group, session and start time. */
  public record Stat(int pid, char state, int ppid, int pgrp, int session, long startTicks) {
    public boolean isZombie() {
      return state == 'Z';
    }
  }

  public static Optional<Stat> of(int pid) {
    try {
      String line = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"));
      // The command (field 2) may hold spaces and parentheses: count fields from the last ')'.
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return Optional.of(new Stat(pid, fields[0].charAt(0), Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
          Integer.parseInt(fields[3]), Long.parseLong(fields[19])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Exists and is not a zombie. */
  public static boolean isRunning(int pid) {
    return of(pid).filter(stat -> !stat.isZombie()).isPresent();
  }

  /** Still the process that started at {@code startTicks}, and not a zombie. */
  public static boolean isAlive(int pid, long startTicks) {
    return of(pid).filter(stat -> stat.startTicks() == startTicks && !stat.isZombie()).isPresent();
  }

  public static List<Stat> all() {
    List<Stat> processes = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, e -> e.getFileName().toString().matches("\\d+"))) {
      for (Path entry : entries) {
        of(Integer.parseInt(entry.getFileName().toString())).ifPresent(processes::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return processes;
  }

  /** The environment a process started with ({@code /proc/<pid>/environ}); empty if unreadable. */
  public static Map<String, String> environmentOf(int pid) {
    Map<String, String> variables = new HashMap<>();
    try {
      String environ = new String(Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("environ")), StandardCharsets.UTF_8);
      for (String entry : environ.split("\0")) {
        int equals = entry.indexOf('=');
        if (equals > 0) {
          variables.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to read
    }
    return variables;
  }

  /** This boot's id. */
  public static String bootId() {
    try {
      return Files.readString(PROC.resolve("sys/kernel/random/boot_id")).trim();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
