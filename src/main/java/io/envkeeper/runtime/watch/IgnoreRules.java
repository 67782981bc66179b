package io.envkeeper.runtime.watch;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Decides which relative paths of a workspace are ignored: those whose path, or any trailing part
 * of it, matches one of the configured globs, and everything beneath such a path.
 *
 * <p>Cost: a glob without {@code **} matches at most as many name elements as it has separators
 * plus one, so only that many trailing parts are ever tried; {@link #ignoresEntry} (an entry of a
 * directory already known not to be ignored, the walker's and the event handler's question) is
 * then O(1) matches however deep the path is. The full-path question was O(depth²) per path, which
 * made registering a deep chain O(depth³).
 */
final class IgnoreRules {

  /** One glob, with the most name elements it can match ({@link Integer#MAX_VALUE}: any number). */
  private record Rule(PathMatcher matcher, int maxElements) {}

  private final List<Rule> rules;
  private final int longestBoundedRule;
  private final boolean anyUnbounded;

  IgnoreRules(List<String> globs) {
    this.rules = globs.stream().map(IgnoreRules::rule).toList();
    this.longestBoundedRule =
        rules.stream().mapToInt(Rule::maxElements).filter(n -> n != Integer.MAX_VALUE).max().orElse(0);
    this.anyUnbounded = rules.stream().anyMatch(rule -> rule.maxElements() == Integer.MAX_VALUE);
  }

  private static Rule rule(String glob) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    // '*', '?' and bracket expressions never match a separator: only '**' crosses one.
    int elements = glob.contains("**") ? Integer.MAX_VALUE : (int) glob.chars().filter(c -> c == '/').count() + 1;
    return new Rule(matcher, elements);
  }

  /** Whether {@code relative} (to the workspace root) is ignored. The root itself never is. */
  boolean ignores(Path relative) {
    if (rules.isEmpty() || relative.toString().isEmpty()) {
      return false;
    }
    for (int end = 1; end <= relative.getNameCount(); end++) {
      if (ignoresEntry(end == relative.getNameCount() ? relative : relative.subpath(0, end))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code relative} is ignored, given that its parent is not: only the trailing parts that
   * end with its last name are tried.
   */
  boolean ignoresEntry(Path relative) {
    int count = relative.getNameCount();
    if (rules.isEmpty() || relative.toString().isEmpty()) {
      return false;
    }
    int longest = anyUnbounded ? count : Math.min(count, longestBoundedRule);
    for (int length = 1; length <= longest; length++) {
      Path part = length == count ? relative : relative.subpath(count - length, count);
      for (Rule rule : rules) {
        if (length <= rule.maxElements() && rule.matcher().matches(part)) {
          return true;
        }
      }
    }
    return false;
  }
}
