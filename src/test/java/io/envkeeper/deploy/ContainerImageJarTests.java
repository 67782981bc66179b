package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.TestDatabase;
import io.envkeeper.support.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image without a Docker engine: the packaged jar extracted and laid out exactly as the
 * Dockerfile does, started with the Dockerfile's ENTRYPOINT and the pod's environment and ConfigMap
 * as the chart renders them, against a real PostgreSQL. Then the chart's probe paths are asked on
 * the management port, the API port is checked for Actuator, the JSON log lines for the request's
 * ids, and a SIGTERM must end the process within the pod's grace period.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageJarTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static RenderedChart chart;
  private static ActuatorLayout actuator;
  private static Process service;
  private static Path log;
  private static int apiPort;
  private static int managementPort;

  @BeforeAll
  static void startTheImage() throws IOException {
    chart = Scenario.DEFAULTS.rendered();
    actuator = ActuatorLayout.of(PodConfiguration.of(chart));
    Dockerfile dockerfile = Dockerfile.read();
    Path root = TestDirectories.create("image");
    Path workdir = ImageLayout.assemble(dockerfile, Path.of(System.getProperty("envkeeper.jar")), root);
    Path config = Files.writeString(Files.createDirectories(root.resolve("config")).resolve("application.yaml"), chart.configMapFile("application.yaml"));
    apiPort = freePort();
    managementPort = freePort();

    List<String> command = new ArrayList<>(List.of(JSON.readValue(dockerfile.finalStage().last("ENTRYPOINT").orElseThrow(), String[].class)));
    command.set(0, ImageLayout.java());
    command.addAll(arguments(root));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.putAll(dockerfile.finalStage().env());
    env.putAll(podEnvironment(config));
    log = root.resolve("service.log");
    service = builder.redirectOutput(log.toFile()).start();

    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions() // connection refused until the management port listens
          .failFast("the service exited during start-up", () -> !service.isAlive())
          .until(() -> managementGet(probePath("readinessProbe")).status() == 200);
    } catch (RuntimeException e) {
      stopQuietly();
      throw new AssertionError("the image did not become ready; log:\n" + Files.readString(log), e);
    }
  }

  @AfterAll
  static void leaveNothingRunning() {
    stopQuietly();
  }

  @Test
  @Order(1)
  void everyProbeOfTheChartIsServedOnTheManagementPortWithItsStatusOnly() {
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      ApiClient.Response response = managementGet(probePath(probe));
      assertThat(response.status()).as(probe).isEqualTo(200);
      assertThat(response.body()).as(probe).isEqualTo("{\"status\":\"UP\"}");
    }
  }

  /**
   * The management port is the operators' port (issue 7: "an admin token or the separate
   * management port"): full health there, while the probe groups above stay status-only.
   */
  @Test
  @Order(1)
  void healthOnTheManagementPortShowsTheComponentsOperatorsNeed() {
    JsonNode health = managementGet(actuator.path("health")).json();
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("components").has("reaper")).isTrue();
    assertThat(health.get("components").has("reconciler")).isTrue();
  }

  @Test
  @Order(1)
  void prometheusIsScrapedFromTheManagementPortAndNothingElseIsExposed() {
    assertThat(managementGet(actuator.path("prometheus")).body()).contains("envkeeper_environments");
    assertThat(managementGet(actuator.path("env")).status()).isEqualTo(404);
    // Not served on the API port: 404, or 401 first for a caller without a valid token.
    assertThat(new ApiClient(apiPort).get("/actuator/health").status()).as("Actuator on the API port").isIn(401, 404);
    assertThat(new ApiClient(apiPort).get(actuator.path("prometheus")).status()).isIn(401, 404);
  }

  @Test
  @Order(1)
  void logLinesAreJsonAndCarryTheIdsOfTheRequest() throws IOException {
    String environment = UUID.randomUUID().toString();
    String worker = UUID.randomUUID().toString();
    new ApiClient(apiPort).get("/api/v1/environments/" + environment + "/workers/" + worker);

    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(worker));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      // The JVM itself announces JAVA_TOOL_OPTIONS on stderr before any logging exists.
      if (!line.isBlank() && !line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(lines).anySatisfy(line -> {
      assertThat(line.path("environmentId").asString()).isEqualTo(environment);
      assertThat(line.path("workerId").asString()).isEqualTo(worker);
      assertThat(line.path("service").path("node").path("name").asString()).as("the pod name").isEqualTo("envkeeper-0");
    });
  }

  @Test
  @Order(2)
  void sigtermEndsTheServiceWithinThePodsGracePeriod() throws InterruptedException {
    long grace = ((Number) chart.podSpec().get("terminationGracePeriodSeconds")).longValue();
    service.destroy();
    assertThat(service.waitFor(grace, TimeUnit.SECONDS)).as("exited within %d s of SIGTERM", grace).isTrue();
  }

  private static List<String> arguments(Path root) {
    TestDatabase.Coordinates database = TestDatabase.get();
    // Free ports instead of the chart's fixed ones (other builds share this machine); the probes
    // name their port, which is mapped below. Everything else comes from the rendered ConfigMap.
    return List.of(
        "--server.port=" + apiPort,
        "--management.server.port=" + managementPort,
        "--spring.datasource.url=" + database.url(),
        "--spring.datasource.username=" + database.username(),
        "--spring.datasource.password=" + database.password(),
        "--envkeeper.data-dir=" + root.resolve("data"),
        "--envkeeper.workspace.managed-root=" + root.resolve("data/workspaces"),
        "--envkeeper.workspace.roots[0]=" + root.resolve("roots"),
        // A line logged while the request is served, whichever filter or servlet answers it.
        "--logging.level.org.springframework.web.servlet.DispatcherServlet=DEBUG",
        "--logging.level.org.springframework.security.web.FilterChainProxy=DEBUG");
  }

  /**
   * The container's environment as the kubelet builds it from the StatefulSet: downward-API fields
   * of pod envkeeper-0, and {@code $(NAME)} references to variables defined earlier in the list
   * expanded (an undefined reference stays as written, as in Kubernetes).
   */
  private static Map<String, String> podEnvironment(Path config) {
    Map<String, String> pod = Map.of("metadata.name", "envkeeper-0", "metadata.namespace", "envkeeper-test");
    Map<String, String> env = new LinkedHashMap<>();
    for (Object entry : Node.list(chart.container().get("env"), "env")) {
      Map<String, Object> variable = Node.map(entry, "env entry");
      String name = (String) variable.get("name");
      if (variable.get("value") != null) {
        env.put(name, expandReferences(String.valueOf(variable.get("value")), env));
      } else if (Node.at(variable, "valueFrom.fieldRef.fieldPath") instanceof String field) {
        assertThat(pod).as("downward API field of " + name).containsKey(field);
        env.put(name, pod.get(field));
      }
    }
    env.put("SPRING_CONFIG_ADDITIONAL_LOCATION", "file:" + config);
    // A small heap: this machine's memory is shared with other builds, not a pod's own limit.
    env.put("JAVA_TOOL_OPTIONS", env.getOrDefault("JAVA_TOOL_OPTIONS", "") + " -Xmx256m");
    return env;
  }

  private static String expandReferences(String value, Map<String, String> defined) {
    Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)").matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (reference.find()) {
      String replacement = defined.getOrDefault(reference.group(1), reference.group());
      reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
    }
    return reference.appendTail(expanded).toString();
  }

  private static String probePath(String probe) {
    Object port = Node.at(chart.container(), probe + ".httpGet.port");
    assertThat(chart.containerPort(port)).as(probe + " port").isEqualTo(actuator.port());
    return (String) Node.at(chart.container(), probe + ".httpGet.path");
  }

  private static ApiClient.Response managementGet(String path) {
    return new ApiClient(managementPort).get(path);
  }

  private static void stopQuietly() {
    if (service == null || !service.isAlive()) {
      return;
    }
    service.destroy();
    try {
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      service.destroyForcibly();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
