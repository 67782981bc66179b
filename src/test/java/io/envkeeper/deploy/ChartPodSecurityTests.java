package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.workspace.WorkspaceProperties;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pod runs locked down: non-root, read-only root, no capabilities, writable only where needed. */
class ChartPodSecurityTests {

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void podAndContainerAreLockedDown(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    Map<String, Object> pod = Node.map(chart.podSpec().get("securityContext"), "pod securityContext");
    Map<String, Object> container = Node.map(chart.container().get("securityContext"), "container securityContext");

    assertThat(pod).containsEntry("runAsNonRoot", true);
    assertThat(((Number) pod.get("runAsUser")).intValue()).isPositive();
    assertThat(Node.at(pod, "seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(container)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false)
        .doesNotContainEntry("privileged", true);
    assertThat(Node.list(Node.at(container, "capabilities.drop"), "drop")).containsExactly("ALL");
    assertThat(Node.at(container, "capabilities.add")).isNull();
    assertThat(Node.at(container, "seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(chart.podSpec())
        .as("the service is PID 1 of its container; no service links leak envkeeper.* variables")
        .containsEntry("shareProcessNamespace", false)
        .containsEntry("enableServiceLinks", false)
        .doesNotContainEntry("hostPID", true);
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void onlyThePersistentVolumeAndTmpAreWritable(Scenario scenario) {
    RenderedChart chart = scenario.rendered();
    PodConfiguration configuration = PodConfiguration.of(chart);
    String claim = (String) Node.at(Node.list(Node.at(chart.statefulSet(), "spec.volumeClaimTemplates"), "claims").get(0), "metadata.name");
    Map<String, String> writable =
        Node.list(chart.container().get("volumeMounts"), "mounts").stream()
            .map(mount -> Node.map(mount, "mount"))
            .filter(mount -> !Boolean.TRUE.equals(mount.get("readOnly")))
            .collect(Collectors.toMap(mount -> (String) mount.get("name"), mount -> (String) mount.get("mountPath")));
    assertThat(writable.keySet()).containsExactlyInAnyOrder(claim, "tmp");
    assertThat(writable).containsEntry("tmp", "/tmp");
    assertThat(chart.volume("tmp")).containsKey("emptyDir");

    Path volume = Path.of(writable.get(claim));
    Path dataDir = configuration.bind("envkeeper", EnvkeeperProperties.class).dataDir();
    WorkspaceProperties workspace = configuration.bind("envkeeper.workspace", WorkspaceProperties.class);
    assertThat(dataDir).startsWithRaw(volume);
    assertThat(workspace.managedRoot()).startsWithRaw(volume);
    assertThat(workspace.roots()).allSatisfy(root -> assertThat(root).startsWithRaw(volume));
  }
}
