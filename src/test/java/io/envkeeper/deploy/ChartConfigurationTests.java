package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.ops.ShutdownProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rendered chart against the application's own configuration (its application.yaml merged with
 * the ConfigMap and the pod's environment): the probes and the scrape hit what the application
 * serves, the pod stops within the bounds the service enforces, the configuration is loaded.
 */
class ChartConfigurationTests {

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void probesHitTheActuatorPathsAndPortTheApplicationServes(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration configuration = PodConfiguration.of(chart);
    ActuatorLayout actuator = ActuatorLayout.of(configuration);

    assertThat(actuator.exposes("health")).as("health is exposed over HTTP").isTrue();
    assertThat(configuration.value("management.endpoint.health.probes.enabled", Boolean.class))
        .as("the liveness and readiness groups are on outside Kubernetes detection too")
        .contains(true);
    Map<String, String> expected =
        Map.of(
            "startupProbe", actuator.path("health", "liveness"),
            "livenessProbe", actuator.path("health", "liveness"),
            "readinessProbe", actuator.path("health", "readiness"));
    expected.forEach(
        (probe, path) -> {
          Object httpGet = Node.at(chart.container(), probe + ".httpGet");
          assertThat(httpGet).as(probe).isNotNull();
          assertThat(Node.at(httpGet, "path")).as(probe + " path").isEqualTo(path);
          assertThat(chart.containerPort(Node.at(httpGet, "port"))).as(probe + " port").isEqualTo(actuator.port());
        });
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void serviceMonitorScrapesThePrometheusEndpointTheApplicationServes(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    ActuatorLayout actuator = ActuatorLayout.of(PodConfiguration.of(chart));
    assertThat(actuator.exposes("prometheus")).isTrue();
    chart.find("ServiceMonitor").ifPresent(monitor -> {
      Map<String, Object> endpoint = Node.map(Node.list(Node.at(monitor, "spec.endpoints"), "endpoints").get(0), "endpoint");
      assertThat(endpoint.get("path")).isEqualTo(actuator.path("prometheus"));
      Map<String, Object> service = serviceSelectedBy(chart, Node.map(Node.at(monitor, "spec.selector.matchLabels"), "selector"));
      Object targetPort = servicePort(service, (String) endpoint.get("port")).get("targetPort");
      assertThat(chart.containerPort(targetPort)).isEqualTo(actuator.port());
    });
    assertThat(chart.find("ServiceMonitor").isPresent()).isEqualTo(scenario == Scenario.ALL_FEATURES);
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void clientServiceReachesTheApiPortOnly(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration configuration = PodConfiguration.of(chart);
    int apiPort = configuration.value("server.port", Integer.class).orElseThrow();
    Map<String, Object> client = chart.named("Service", (String) Node.at(chart.statefulSet(), "metadata.name"));
    List<Integer> targets =
        Node.list(Node.at(client, "spec.ports"), "ports").stream()
            .map(port -> chart.containerPort(Node.map(port, "port").get("targetPort")))
            .toList();
    assertThat(targets).containsExactly(apiPort);
    assertThat(ActuatorLayout.of(configuration).port()).as("Actuator is off the API port").isNotEqualTo(apiPort);
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void terminationGraceOutlastsTheServicesForcedExit(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration configuration = PodConfiguration.of(chart);
    ShutdownProperties shutdown = configuration.bind("envkeeper.shutdown", ShutdownProperties.class);
    long grace = ((Number) chart.podSpec().get("terminationGracePeriodSeconds")).longValue();

    assertThat(Duration.ofSeconds(grace)).isGreaterThan(shutdown.forceExitAfter());
    assertThat(shutdown.forceExitAfter()).isGreaterThan(shutdown.timeout());
    configuration.value("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
        .ifPresent(phase -> assertThat(phase).isLessThan(shutdown.forceExitAfter()));
  }

  @Test
  void terminationGraceFollowsForceExitSoTheyCannotDrift() {
    RenderedChart chart = Scenario.DEFAULTS.renderedWith("--set=shutdown.forceExitAfterSeconds=90");
    ShutdownProperties shutdown = PodConfiguration.of(chart).bind("envkeeper.shutdown", ShutdownProperties.class);
    assertThat(shutdown.forceExitAfter()).isEqualTo(Duration.ofSeconds(90));
    assertThat(((Number) chart.podSpec().get("terminationGracePeriodSeconds")).longValue()).isGreaterThan(90);
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void configMapIsLoadedAndImportsPointAtMountedSecrets(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration configuration = PodConfiguration.of(chart);
    Map<String, String> env = plainEnvironment(chart);
    Path location = Path.of(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION").replaceFirst("^file:", ""));
    assertMountedFile(chart, location, "configMap");

    List<String> imports = configuration.value("spring.config.import", String[].class).map(List::of).orElse(List.of());
    for (String imported : imports) {
      if (imported.startsWith("configtree:")) {
        Path tree = Path.of(imported.substring("configtree:".length()));
        assertMountedFile(chart, tree.resolve("spring.datasource.username"), "secret");
        assertMountedFile(chart, tree.resolve("spring.datasource.password"), "secret");
      } else {
        assertMountedFile(chart, Path.of(imported.replaceFirst("^file:", "")), "secret");
      }
    }
    assertThat(imports).hasSize(scenario == Scenario.ALL_FEATURES ? 2 : 0);
    assertThat(env.keySet()).noneMatch(name -> name.contains("PASSWORD") || name.contains("TOKEN"));
  }

  private static Map<String, String> plainEnvironment(RenderedChart chart) {
    return Node.list(chart.container().get("env"), "env").stream()
        .map(entry -> Node.map(entry, "env entry"))
        .filter(entry -> entry.get("value") != null)
        .collect(Collectors.toMap(entry -> (String) entry.get("name"), entry -> String.valueOf(entry.get("value"))));
  }

  /**
   * A file exists in the container: a read-only mount of a volume of that kind holds it (as an
   * item of that name, or as the ConfigMap key of that name).
   */
  private static void assertMountedFile(RenderedChart chart, Path file, String volumeKind) {
    Map<String, Object> mount =
        Node.list(chart.container().get("volumeMounts"), "mounts").stream()
            .map(entry -> Node.map(entry, "mount"))
            .filter(entry -> Path.of((String) entry.get("mountPath")).equals(file.getParent()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("nothing is mounted at " + file.getParent()));
    assertThat(mount).containsEntry("readOnly", true);
    Map<String, Object> source = Node.map(chart.volume((String) mount.get("name")).get(volumeKind), volumeKind + " volume of " + file);
    Object items = source.get("items");
    if (items != null) {
      assertThat(Node.list(items, "items").stream().map(item -> Node.at(item, "path")))
          .as("items of the volume mounted for " + file)
          .contains(file.getFileName().toString());
    } else {
      assertThat(volumeKind).as("a secret is mounted through explicit items").isEqualTo("configMap");
      assertThat(chart.configMapFile(file.getFileName().toString())).as("ConfigMap key " + file.getFileName()).isNotNull();
    }
  }

  private static Map<String, Object> serviceSelectedBy(RenderedChart chart, Map<String, Object> labels) {
    return chart.all("Service").stream()
        .filter(service -> Node.map(Node.at(service, "metadata.labels"), "labels").entrySet().containsAll(labels.entrySet()))
        .reduce((first, second) -> {
          throw new AssertionError("the selector " + labels + " matches more than one Service");
        })
        .orElseThrow(() -> new AssertionError("no Service has the labels " + labels));
  }

  private static Map<String, Object> servicePort(Map<String, Object> service, String name) {
    return Node.list(Node.at(service, "spec.ports"), "ports").stream()
        .map(port -> Node.map(port, "port"))
        .filter(port -> name.equals(port.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the Service has no port named " + name));
  }
}
