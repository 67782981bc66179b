package io.envkeeper.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts this process's inotify instances and watches, from {@code /proc/self/fdinfo}. */
public final class InotifyWatches {

  private InotifyWatches() {}

  /** Watches held by every inotify descriptor of this process. */
  public static long watches() {
    return count(true);
  }

  /** Inotify descriptors (instances) this process holds. */
  public static long instances() {
    return count(false);
  }

  private static long count(boolean watches) {
    long total = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
      for (Path fd : fds) {
        long lines;
        try {
          lines = Files.readAllLines(fd).stream().filter(line -> line.startsWith("inotify wd:")).count();
        } catch (IOException e) {
          continue; // closed while we looked
        }
        if (isInotify(fd)) {
          total += watches ? lines : 1;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/fdinfo", e);
    }
    return total;
  }

  private static boolean isInotify(Path fdinfo) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd").resolve(fdinfo.getFileName()))
          .toString().contains("inotify");
    } catch (IOException e) {
      return false;
    }
  }
}
