package io.envkeeper.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the relative links of markdown files: each must name a file or directory inside the
 * repository, and an anchor ({@code file.md#heading}, {@code #heading}) a heading of that file, as
 * GitHub makes anchors of headings. Links with a scheme ({@code https:}, {@code mailto:}) are not
 * followed. Inline code that names a path outside the repository ({@code `../shared/API.md`}) is
 * reported too: the repository must stand alone.
 */
final class MarkdownLinks {

  /** A link that does not resolve. */
  record Problem(Path file, int line, String target, String why) {
    @Override
    public String toString() {
      return file + ":" + line + ": (" + target + ") " + why;
    }
  }

  private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern LINK_TEXT = Pattern.compile("!?\\[([^\\]]*)]\\([^)]*\\)");

  private final Path root;
  private final Map<Path, Set<String>> anchors = new HashMap<>();

  private MarkdownLinks(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Every markdown file under {@code root}, leaving out build output and hidden directories. */
  static List<Path> markdownFiles(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    try (Stream<Path> walk = Files.walk(base)) {
      return walk.filter(path -> path.toString().endsWith(".md") && Files.isRegularFile(path))
          .filter(path -> !excluded(base.relativize(path)))
          .sorted()
          .toList();
    }
  }

  private static boolean excluded(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("target") || name.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /** The links in {@code files} that do not resolve inside {@code root}. */
  static List<Problem> check(Path root, List<Path> files) {
    MarkdownLinks links = new MarkdownLinks(root);
    List<Problem> problems = new ArrayList<>();
    for (Path file : files) {
      links.checkFile(file.toAbsolutePath().normalize(), problems);
    }
    return problems;
  }

  private void checkFile(Path file, List<Problem> problems) {
    List<String> lines = proseLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line == null) {
        continue;
      }
      Matcher code = CODE_SPAN.matcher(line);
      while (code.find()) {
        String span = code.group(2).strip();
        if (span.startsWith("../") && !span.contains(" ") && !inside(file.getParent().resolve(span).normalize())) {
          problems.add(new Problem(root.relativize(file), i + 1, span, "names a path outside the repository"));
        }
      }
      String prose = CODE_SPAN.matcher(line).replaceAll("");
      List<String> targets = new ArrayList<>();
      Matcher inline = INLINE_LINK.matcher(prose);
      while (inline.find()) {
        targets.add(inline.group(1));
      }
      Matcher definition = REFERENCE_DEFINITION.matcher(prose);
      if (definition.matches()) {
        targets.add(definition.group(1));
      }
      for (String target : targets) {
        String why = resolve(file, target);
        if (why != null) {
          problems.add(new Problem(root.relativize(file), i + 1, target, why));
        }
      }
    }
  }

  /** Why {@code target}, linked from {@code file}, does not resolve; null when it does. */
  private String resolve(Path file, String target) {
    if (SCHEME.matcher(target).find()) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
    String anchor = hash < 0 ? "" : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!inside(resolved)) {
      return "points outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file: " + root.relativize(resolved);
    }
    if (anchor.isEmpty()) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "an anchor into a file that is not markdown";
    }
    return anchorsOf(resolved).contains(anchor) ? null : "no heading with the anchor #" + anchor + " in " + root.relativize(resolved);
  }

  private boolean inside(Path path) {
    return path.toAbsolutePath().normalize().startsWith(root);
  }

  private Set<String> anchorsOf(Path file) {
    return anchors.computeIfAbsent(file, MarkdownLinks::readAnchors);
  }

  private static Set<String> readAnchors(Path file) {
    Set<String> found = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : proseLines(file)) {
      if (line == null) {
        continue;
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        found.add(html.group(1));
      }
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(1));
        int repeat = seen.merge(slug, 1, Integer::sum) - 1;
        found.add(repeat == 0 ? slug : slug + "-" + repeat);
      }
    }
    return found;
  }

  /** GitHub's anchor for a heading: its text, lower case, without punctuation, spaces as hyphens. */
  static String slug(String heading) {
    String text = LINK_TEXT.matcher(heading).replaceAll("$1").replace("`", "");
    return text.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
  }

  /** The file's lines, with those inside fenced code blocks as null (they hold neither links nor headings). */
  private static List<String> proseLines(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> prose = new ArrayList<>(lines.size());
    String fence = null;
    for (String line : lines) {
      Matcher opening = FENCE.matcher(line);
      if (fence == null && opening.find()) {
        fence = opening.group(1);
        prose.add(null);
      } else if (fence != null) {
        if (line.strip().startsWith(fence) && line.strip().replace(fence.substring(0, 1), "").isEmpty()) {
          fence = null;
        }
        prose.add(null);
      } else {
        prose.add(line);
      }
    }
    return prose;
  }
}
