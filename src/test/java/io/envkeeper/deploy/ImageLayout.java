package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The image's file system, built without Docker by following the Dockerfile: the build stage's
 * extract command run on the packaged jar, then the final stage's {@code COPY --from} lines into
 * its WORKDIR. What starts from here is what the image's ENTRYPOINT starts.
 */
final class ImageLayout {

  private static final Pattern EXTRACT =
      Pattern.compile("java (-Djarmode=tools) -jar \\S+ (extract(?: --[a-z-]+)*?) --destination (\\S+)");

  private ImageLayout() {}

  /** Assembles the final stage's WORKDIR under {@code root} and returns it. */
  static Path assemble(Dockerfile dockerfile, Path jar, Path root) {
    Matcher extract = EXTRACT.matcher(String.join(" ", dockerfile.stages().get(0).all("RUN")));
    assertThat(extract.find()).as("the build stage runs the jar's tools mode extract").isTrue();
    Path layers = root.resolve("layers");
    List<String> command = new ArrayList<>(List.of(java(), extract.group(1), "-jar", jar.toString()));
    command.addAll(List.of(extract.group(2).split(" ")));
    command.addAll(List.of("--destination", layers.toString()));
    run(command);

    String destination = extract.group(3).replaceAll("/$", "");
    Path workdir = root.resolve("app");
    List<String> copied = new ArrayList<>();
    for (List<String> copy : dockerfile.finalStage().copiesFrom(dockerfile.stages().get(0).name())) {
      String source = copy.get(0);
      assertThat(source).startsWith(destination + "/");
      assertThat(copy.get(1)).isEqualTo("./");
      copied.add(source.substring(destination.length() + 1).replaceAll("/$", ""));
      copyTree(layers.resolve(copied.get(copied.size() - 1)), workdir);
    }
    assertThat(copied).as("the image copies every layer the jar has").containsExactlyInAnyOrderElementsOf(children(layers));
    return workdir;
  }

  private static List<String> children(Path directory) {
    try (Stream<Path> children = Files.list(directory)) {
      return children.map(child -> child.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void run(List<String> command) {
    try {
      Path output = Files.createTempFile(Path.of("target"), "extract", ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(command + " did not finish within 2 minutes");
      }
      assertThat(process.exitValue()).as("%s:\n%s", command, Files.readString(output)).isZero();
      Files.delete(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void copyTree(Path from, Path to) {
    assertThat(from).as("layer extracted by the build stage").isDirectory();
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
