package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The manifests of one {@code helm template} run, parsed, with the lookups the tests need. */
final class RenderedChart {

  private final List<Map<String, Object>> manifests;

  private RenderedChart(List<Map<String, Object>> manifests) {
    this.manifests = List.copyOf(manifests);
  }

  /** Renders the chart with these extra Helm arguments, failing with Helm's message if it cannot. */
  static RenderedChart render(String... args) {
    return parse(Helm.template(args).stdoutOrFail("helm template " + String.join(" ", args)));
  }

  static RenderedChart parse(String yaml) {
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document != null) {
        manifests.add(Node.map(document, "manifest"));
      }
    }
    return new RenderedChart(manifests);
  }

  Optional<Map<String, Object>> find(String kind) {
    List<Map<String, Object>> found = all(kind);
    assertThat(found).as("manifests of kind %s", kind).hasSizeLessThanOrEqualTo(1);
    return found.stream().findFirst();
  }

  Map<String, Object> one(String kind) {
    return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  List<Map<String, Object>> all(String kind) {
    return manifests.stream().filter(manifest -> kind.equals(manifest.get("kind"))).toList();
  }

  Map<String, Object> named(String kind, String name) {
    return all(kind).stream()
        .filter(manifest -> name.equals(Node.at(manifest, "metadata.name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " rendered"));
  }

  Map<String, Object> statefulSet() {
    return one("StatefulSet");
  }

  Map<String, Object> podSpec() {
    return Node.map(Node.at(statefulSet(), "spec.template.spec"), "pod spec");
  }

  /** The one container of the pod. */
  Map<String, Object> container() {
    List<Object> containers = Node.list(podSpec().get("containers"), "containers");
    assertThat(containers).hasSize(1);
    return Node.map(containers.get(0), "container");
  }

  /** The container port number behind a port name or number, as a probe or Service names it. */
  int containerPort(Object nameOrNumber) {
    if (nameOrNumber instanceof Integer number) {
      return number;
    }
    return Node.list(container().get("ports"), "ports").stream()
        .map(port -> Node.map(port, "port"))
        .filter(port -> nameOrNumber.equals(port.get("name")))
        .map(port -> (Integer) port.get("containerPort"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the container has no port named " + nameOrNumber));
  }

  /** A volume of the pod by name. */
  Map<String, Object> volume(String name) {
    return Node.list(podSpec().get("volumes"), "volumes").stream()
        .map(volume -> Node.map(volume, "volume"))
        .filter(volume -> name.equals(volume.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  String configMapFile(String key) {
    return (String) Node.map(one("ConfigMap").get("data"), "ConfigMap data").get(key);
  }
}
