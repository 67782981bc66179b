package io.envkeeper.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's cgroup v2 tree as tests see it, read independently of the service's own detection: the
 * writable {@code cgroup2} mount from {@code /proc/self/mountinfo} (whole hierarchy mounted) and
 * the cgroup a process is in.
 */
public final class CgroupTree {

  private CgroupTree() {}

  /** Where the whole cgroup2 hierarchy is mounted read-write, if it is. */
  public static Optional<Path> mount() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        int separator = line.indexOf(" - ");
        if (separator > 0 && line.substring(separator + 3).startsWith("cgroup2 ") && fields[3].equals("/")
            && fields[5].startsWith("rw")) {
          return Optional.of(Path.of(fields[4]));
        }
      }
    } catch (IOException e) {
      // no /proc: no cgroups either
    }
    return Optional.empty();
  }

  /** The cgroup directory of {@code pid}, if it is in the mounted cgroup2 hierarchy. */
  public static Optional<Path> of(int pid) {
    try {
      Optional<String> path = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
          .filter(line -> line.startsWith("0::")).map(line -> line.substring(3)).findFirst();
      return mount().flatMap(mount -> path.map(p -> p.equals("/") ? mount : mount.resolve(p.substring(1))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether this JVM could make cgroups for its children: its own cgroup's procs file is writable. */
  public static boolean writable() {
    return of((int) ProcessHandle.current().pid()).map(own -> Files.isWritable(own.resolve("cgroup.procs"))).orElse(false);
  }

  /**
   * Removes {@code cgroup} and the cgroups below it, killing what is still in them first
   * ({@code cgroup.kill}); for a tree only this test's service used.
   */
  public static void removeTree(Path cgroup) {
    if (!Files.isDirectory(cgroup)) {
      return;
    }
    for (Path child : children(cgroup)) {
      removeTree(child);
    }
    try {
      if (Files.readString(cgroup.resolve("cgroup.events")).contains("populated 1")) {
        Files.writeString(cgroup.resolve("cgroup.kill"), "1");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
            .until(() -> Files.readString(cgroup.resolve("cgroup.events")).contains("populated 0"));
      }
      Files.delete(cgroup);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove cgroup " + cgroup, e);
    }
  }

  /** The cgroups directly below {@code cgroup}. */
  public static List<Path> children(Path cgroup) {
    try (Stream<Path> entries = Files.list(cgroup)) {
      return entries.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      return List.of(); // gone
    }
  }
}
