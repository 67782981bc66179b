package io.envkeeper.runtime.process;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One worker's cgroup v2 directory: its processes ({@code cgroup.procs}), its limits, its end
 * ({@code cgroup.kill}: every process in it, however it tried to escape, gets SIGKILL from the
 * kernel, race-free against forks) and its removal once empty. Every write is one {@code write(2)}
 * of a short value, as the cgroup interface files expect.
 */
final class WorkerCgroup {

  private final Path directory;

  private WorkerCgroup(Path directory) {
    this.directory = directory;
  }

  /** A handle on an existing directory (crash recovery: the one recorded with a worker). */
  static WorkerCgroup at(Path directory) {
    return new WorkerCgroup(directory);
  }

  /**
   * Creates {@code directory} (a fresh, empty cgroup). One left over (a crash between a kill and
   * its removal) is emptied and removed first.
   *
   * @throws SpawnFailedException when it cannot be created
   */
  static WorkerCgroup create(Path directory) {
    WorkerCgroup cgroup = new WorkerCgroup(directory);
    try {
      Files.createDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      cgroup.kill();
      if (!cgroup.remove()) {
        throw new SpawnFailedException("cgroup " + directory + " exists and cannot be removed");
      }
      return create(directory);
    } catch (IOException e) {
      throw new SpawnFailedException("cannot create cgroup " + directory + ": " + e.getMessage());
    }
    return cgroup;
  }

  Path directory() {
    return directory;
  }

  /**
   * Writes each {@code file -> value} (e.g. {@code memory.max -> 536870912}).
   *
   * @throws SpawnFailedException naming the file that refused its value
   */
  void apply(Map<String, String> settings) {
    settings.forEach((file, value) -> {
      try {
        write(file, value);
      } catch (IOException e) {
        throw new SpawnFailedException("cannot set " + file + "=" + value + " in " + directory + ": " + e.getMessage());
      }
    });
  }

  /** Moves process {@code pid} (and so everything it will start) into this cgroup. */
  void place(int pid) {
    try {
      write("cgroup.procs", Integer.toString(pid));
    } catch (IOException e) {
      throw new SpawnFailedException("cannot move pid " + pid + " into cgroup " + directory + ": " + e.getMessage());
    }
  }

  /** The processes in it now (zombies are not listed); empty once it is gone. */
  List<Integer> pids() {
    List<Integer> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(directory.resolve("cgroup.procs"))) {
        if (!line.isBlank()) {
          pids.add(Integer.parseInt(line.trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone, or being removed: nothing in it
    }
    return pids;
  }

  /** Whether no process is in it or below it any more ({@code populated 0} in cgroup.events). */
  boolean isEmpty() {
    return !"1".equals(keyed("cgroup.events").get("populated"));
  }

  /** SIGKILL to every process in it, by the kernel (Linux 5.14+); false if that could not be asked. */
  boolean kill() {
    try {
      write("cgroup.kill", "1");
      return true;
    } catch (IOException e) {
      return false; // NoSuchFileException: a kernel before 5.14
    }
  }

  /** Removes the directory (possible once empty); true when it is gone. */
  boolean remove() {
    try {
      Files.deleteIfExists(directory);
      return true;
    } catch (IOException e) {
      return !Files.exists(directory);
    }
  }

  /** How often the kernel's OOM killer killed in it ({@code oom_kill} of memory.events); 0 without the controller. */
  long oomKills() {
    return count("memory.events", "oom_kill");
  }

  /** How often a fork failed at {@code pids.max} ({@code max} of pids.events); 0 without the controller. */
  long pidsMaxHits() {
    return count("pids.events", "max");
  }

  private long count(String file, String key) {
    return Optional.ofNullable(keyed(file).get(key)).map(Long::parseLong).orElse(0L);
  }

  private Map<String, String> keyed(String file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(directory.resolve(file))) {
        int space = line.indexOf(' ');
        if (space > 0) {
          values.put(line.substring(0, space), line.substring(space + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // no such file (controller not enabled) or gone
    }
    return values;
  }

  /** One write, no O_CREAT (a missing interface file is a missing feature, not a file to make). */
  private void write(String file, String value) throws IOException {
    Files.writeString(directory.resolve(file), value, java.nio.file.StandardOpenOption.WRITE);
  }

  @Override
  public String toString() {
    return directory.toString();
  }
}
