package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.json.JsonMapper;

/**
 * What can be checked of the image without a Docker engine: the stages, the base images, the user,
 * the entry point and the JVM options, and that the build context holds what the build copies.
 * ContainerImageJarTests goes further and starts the extracted layers as the image would.
 */
class DockerfileTests {

  private static final String JDK_17 = "eclipse-temurin:17(\\.[0-9._]+)?-jdk(-[a-z0-9]+)?";
  private static final String JRE_17 = "eclipse-temurin:17(\\.[0-9._]+)?-jre(-[a-z0-9]+)?";
  private static final Pattern DESTINATION = Pattern.compile("--destination\\s+(\\S+)");
  static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

  private final Dockerfile dockerfile = Dockerfile.read();

  @Test
  void buildsWithTheWrapperOnAJdk17AndExtractsTheLayeredJar() {
    Dockerfile.Stage build = dockerfile.stage(buildStageName());
    assertThat(build.baseImage()).matches(JDK_17);
    String run = String.join("\n", build.all("RUN"));
    assertThat(run).contains("./mvnw ").contains(" package");
    assertThat(run).contains("java -Djarmode=tools -jar ").containsPattern("extract --layers --launcher");
  }

  @Test
  void runsOnAJre17() {
    assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(dockerfile.finalStage().baseImage()).matches(JRE_17);
  }

  @Test
  void runsAsTheNonRootUserTheChartExpects() throws IOException {
    String[] user = dockerfile.finalStage().last("USER").orElseThrow(() -> new AssertionError("no USER: the image would run as root")).split(":");
    assertThat(user[0]).as("a numeric uid, which runAsNonRoot can verify").matches("[0-9]+");
    assertThat(Integer.parseInt(user[0])).as("uid").isPositive();
    assertThat(user).hasSize(2);
    Map<String, Object> values = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(Helm.CHART.resolve("values.yaml")));
    assertThat(Node.at(values, "securityContext.runAsUser")).isEqualTo(Integer.parseInt(user[0]));
    assertThat(Node.at(values, "securityContext.runAsGroup")).isEqualTo(Integer.parseInt(user[1]));
  }

  @Test
  void javaItselfIsPid1ThroughAnExecFormEntrypoint() {
    String entrypoint = dockerfile.finalStage().last("ENTRYPOINT").orElseThrow();
    assertThat(entrypoint).as("exec form (a JSON array): no shell becomes PID 1").startsWith("[");
    List<String> argv = List.of(JsonMapper.builder().build().readValue(entrypoint, String[].class));
    assertThat(argv.get(0)).matches("(.*/)?java");
    assertThat(argv).doesNotContain("sh", "bash", "-c").last().isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    assertThat(dockerfile.finalStage().all("CMD")).allSatisfy(cmd -> assertThat(cmd).startsWith("["));
  }

  @Test
  void jvmRunsWithTheReadmesMemorySettingsAndExitsOnOutOfMemory() {
    String options = dockerfile.finalStage().env().get("JAVA_TOOL_OPTIONS");
    assertThat(options).contains(
        "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");
    assertThat(dockerfile.finalStage().env()).containsEntry("MALLOC_ARENA_MAX", "2");
  }

  @Test
  void finalStageCopiesTheExtractedLayersFromLeastToMostOftenChanged() {
    String destination = extractDestination(dockerfile);
    List<String> copied = new ArrayList<>();
    for (List<String> copy : dockerfile.finalStage().copiesFrom(buildStageName())) {
      assertThat(copy.get(0)).startsWith(destination + "/");
      assertThat(copy.get(1)).isEqualTo("./");
      copied.add(copy.get(0).substring(destination.length() + 1).replaceAll("/$", ""));
    }
    assertThat(copied).isEqualTo(LAYERS);
  }

  @Test
  void buildContextHoldsWhatTheBuildCopiesAndNoBuildOutput() throws IOException {
    List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
    Dockerfile.Stage build = dockerfile.stage(buildStageName());
    for (String copy : build.all("COPY")) {
      List<String> parts = List.of(copy.split("\\s+"));
      for (String source : parts.subList(0, parts.size() - 1)) {
        assertThat(included(ignore, source)).as("%s reaches the build context", source).isTrue();
      }
    }
    assertThat(included(ignore, "target/")).isFalse();
    assertThat(included(ignore, ".git/")).isFalse();
    assertThat(included(ignore, ".envkeeper/")).isFalse();
  }

  /** The build stage: the one the final stage copies from. */
  private String buildStageName() {
    return dockerfile.finalStage().all("COPY").stream()
        .filter(copy -> copy.startsWith("--from="))
        .map(copy -> copy.substring("--from=".length()).split("\\s+")[0])
        .findFirst()
        .orElseThrow(() -> new AssertionError("the final stage copies nothing from a build stage"));
  }

  static String extractDestination(Dockerfile dockerfile) {
    String run = String.join(" ", dockerfile.stages().get(0).all("RUN"));
    Matcher destination = DESTINATION.matcher(run);
    assertThat(destination.find()).as("the extract command names its destination").isTrue();
    return destination.group(1).replaceAll("/$", "");
  }

  /**
   * .dockerignore semantics for the patterns used here: the last matching line wins, {@code *}
   * matches everything, {@code !path} re-includes a path and what lies under it.
   */
  private static boolean included(List<String> patterns, String path) {
    String normalized = path.replaceAll("/$", "");
    boolean included = true;
    for (String pattern : patterns) {
      boolean exception = pattern.startsWith("!");
      String glob = (exception ? pattern.substring(1) : pattern).replaceAll("/$", "");
      if (glob.equals("*") || normalized.equals(glob) || normalized.startsWith(glob + "/")) {
        included = exception;
      }
    }
    return included;
  }
}
