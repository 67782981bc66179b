package io.envkeeper.runtime.watch;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Decides which relative paths of a workspace are ignored: those whose path, or any trailing part
 * of it, matches one of the configured globs, and everything beneath such a path.
 */
final class IgnoreRules {

  private final List<PathMatcher> matchers;

  IgnoreRules(List<String> globs) {
    this.matchers = globs.stream().map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
  }

  /** Whether {@code relative} (to the workspace root) is ignored. The root itself never is. */
  boolean ignores(Path relative) {
    int count = relative.getNameCount();
    if (matchers.isEmpty() || relative.toString().isEmpty()) {
      return false;
    }
    // Every prefix (the path or one of its ancestors) and every trailing part of that prefix.
    for (int end = 1; end <= count; end++) {
      for (int start = 0; start < end; start++) {
        Path part = relative.subpath(start, end);
        for (PathMatcher matcher : matchers) {
          if (matcher.matches(part)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
