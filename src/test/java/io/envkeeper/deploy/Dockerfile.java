package io.envkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The root Dockerfile, parsed into its stages and instructions (continuation lines joined, comments
 * and parser directives dropped): enough to check it without a Docker engine.
 */
record Dockerfile(List<Stage> stages) {

  static final Path PATH = Path.of("Dockerfile");
  private static final Pattern AS = Pattern.compile("\\s+AS\\s+", Pattern.CASE_INSENSITIVE);
  private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|\\S+)");

  /** One instruction: its keyword in upper case and its arguments as written. */
  record Instruction(String keyword, String arguments) {}

  /** A build stage: the image it starts from, its name, its instructions after FROM. */
  record Stage(String baseImage, String name, List<Instruction> instructions) {

    List<String> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    Optional<String> last(String keyword) {
      List<String> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The environment the stage's ENV instructions set ({@code KEY=value} or {@code KEY="a b"}). */
    Map<String, String> env() {
      Map<String, String> env = new LinkedHashMap<>();
      for (String arguments : all("ENV")) {
        Matcher pair = ENV_PAIR.matcher(arguments);
        while (pair.find()) {
          env.put(pair.group(1), pair.group(3) != null ? pair.group(3) : pair.group(2));
        }
      }
      return env;
    }

    /** {@code COPY --from=<stage> <source> <destination>} instructions, as [source, destination]. */
    List<List<String>> copiesFrom(String stage) {
      String flag = "--from=" + stage + " ";
      return all("COPY").stream()
          .filter(arguments -> arguments.startsWith(flag))
          .map(arguments -> List.of(arguments.substring(flag.length()).strip().split("\\s+")))
          .toList();
    }
  }

  static Dockerfile read() {
    try {
      return parse(Files.readAllLines(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dockerfile parse(List<String> lines) {
    List<Stage> stages = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : lines) {
      String stripped = line.strip();
      if (pending.length() == 0 && (stripped.isEmpty() || stripped.startsWith("#"))) {
        continue;
      }
      if (stripped.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (stripped.endsWith("\\")) {
        pending.append(stripped, 0, stripped.length() - 1).append(' ');
        continue;
      }
      pending.append(stripped);
      add(stages, pending.toString());
      pending.setLength(0);
    }
    return new Dockerfile(List.copyOf(stages));
  }

  private static void add(List<Stage> stages, String instruction) {
    String[] parts = instruction.split("\\s+", 2);
    String keyword = parts[0].toUpperCase(Locale.ROOT);
    String arguments = parts.length > 1 ? parts[1].strip() : "";
    if (keyword.equals("FROM")) {
      String[] from = AS.split(arguments, 2);
      stages.add(new Stage(from[0].strip(), from.length > 1 ? from[1].strip() : null, new ArrayList<>()));
    } else if (stages.isEmpty()) {
      throw new AssertionError("instruction before the first FROM: " + instruction);
    } else {
      stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
    }
  }

  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  Stage stage(String name) {
    return stages.stream()
        .filter(stage -> name.equals(stage.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stage named " + name));
  }
}
