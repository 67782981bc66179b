package io.envkeeper.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where this process's cgroup v2 directory is: the {@code cgroup2} mount from
 * {@code /proc/self/mountinfo} (at {@code /sys/fs/cgroup}, or {@code /sys/fs/cgroup/unified} on a
 * hybrid host) joined with this process's path from the {@code 0::} line of {@code /proc/self/cgroup}.
 *
 * @param mountPoint where the cgroup2 file system is mounted
 * @param own this process's cgroup directory (the mount point itself for the root cgroup)
 * @param root whether {@code own} is the hierarchy's real root (exempt from "no internal processes")
 */
record CgroupMount(Path mountPoint, Path own, boolean root) {

  /** The mount and this process's cgroup in it, or a reason why there is none to use. */
  static Result find() {
    try {
      return find(Files.readAllLines(Path.of("/proc/self/mountinfo")), Files.readAllLines(Path.of("/proc/self/cgroup")));
    } catch (IOException e) {
      return Result.none("cannot read /proc/self/mountinfo or /proc/self/cgroup: " + e.getMessage());
    }
  }

  /** Either a mount or the reason there is none. */
  record Result(Optional<CgroupMount> mount, String reason) {
    static Result none(String reason) {
      return new Result(Optional.empty(), reason);
    }
  }

  static Result find(List<String> mountinfo, List<String> cgroups) {
    String ownPath = cgroups.stream().filter(line -> line.startsWith("0::")).map(line -> line.substring(3))
        .findFirst().orElse(null);
    if (ownPath == null) {
      return Result.none("this process is in no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)");
    }
    for (String line : mountinfo) {
      // id parent major:minor root mount-point options [optional fields] - fstype source super-options
      int separator = line.indexOf(" - ");
      if (separator < 0 || !line.substring(separator + 3).startsWith("cgroup2 ")) {
        continue;
      }
      String[] fields = line.substring(0, separator).split(" ");
      String mountRoot = unescape(fields[3]);
      Path mountPoint = Path.of(unescape(fields[4]));
      if (!fields[5].startsWith("rw")) {
        return Result.none("the cgroup2 file system at " + mountPoint + " is mounted read-only");
      }
      String relative;
      if (mountRoot.equals("/")) {
        relative = ownPath;
      } else if (ownPath.equals(mountRoot) || ownPath.startsWith(mountRoot + "/")) {
        relative = ownPath.substring(mountRoot.length());
      } else {
        return Result.none("this process's cgroup " + ownPath + " is outside the mounted part " + mountRoot);
      }
      if (relative.contains("..") || relative.contains("(deleted)")) {
        return Result.none("this process's cgroup path " + ownPath + " cannot be used");
      }
      Path own = relative.isEmpty() || relative.equals("/") ? mountPoint : mountPoint.resolve(relative.substring(1));
      // Only the hierarchy's real root is exempt from the "no internal processes" rule; the root
      // of a cgroup namespace (a container's "/") is not, though it looks the same from inside.
      boolean root = own.equals(mountPoint) && mountRoot.equals("/") && !Files.exists(own.resolve("cgroup.type"));
      return new Result(Optional.of(new CgroupMount(mountPoint, own, root)), null);
    }
    return Result.none("no cgroup2 file system is mounted (cgroup v1 only)");
  }

  /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        try {
          out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
          i += 3;
          continue;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
          // not an escape
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
