package io.envkeeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The configuration the application would see in the rendered pod, in Spring's order of
 * precedence: the container's environment variables, the token file the ConfigMap imports, the
 * ConfigMap's application.yaml (the extra config location), and the application.yaml inside the
 * jar. Read from the rendered manifests and the application's own resource, never from constants.
 */
final class PodConfiguration {

  static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");
  /** The namespace {@code helm template} renders into by default (the downward API's metadata.namespace). */
  static final String NAMESPACE = "default";
    /** Stands in for the image user's home, which only the jar's ${user.home} default refers to. */
  private static final String USER_HOME = "/home/envkeeper";

  private final StandardEnvironment environment = new StandardEnvironment();
  private final List<PropertySource<?>> fromChart = new ArrayList<>();
  private final String podName;

  private PodConfiguration(RenderedChart chart) {
    this.podName = Node.at(chart.statefulSet(), "metadata.name") + "-0";
    MutablePropertySources sources = environment.getPropertySources();
    // Only what the pod would see: nothing of the JVM running the test.
    sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    // Named like Spring's own (…-systemEnvironment), so the container's variables bind as the
    // pod's would: ENVKEEPER_NODE_ADVERTISEURL -> envkeeper.node.advertise-url.
    fromChart.add(new SystemEnvironmentPropertySource("container-systemEnvironment", containerEnvironment(chart)));
    tokenFile(chart).ifPresent(yaml -> fromChart.addAll(yaml("imported tokens.yaml", bytes(yaml))));
    fromChart.addAll(yaml("ConfigMap application.yaml", bytes(chart.configMapFile("application.yaml"))));
    fromChart.forEach(sources::addLast);
    yaml("jar application.yaml", new FileSystemResource(APPLICATION_YAML)).forEach(sources::addLast);
    sources.addLast(new MapPropertySource("image user", Map.of("user.home", USER_HOME)));
  }

  static PodConfiguration of(RenderedChart chart) {
    return new PodConfiguration(chart);
  }

  /** The pod name the StatefulSet gives its one replica (the downward API's metadata.name). */
  String podName() {
    return podName;
  }

  Binder binder() {
    return Binder.get(environment);
  }

  <T> T bind(String prefix, Class<T> type) {
    return binder().bindOrCreate(prefix, Bindable.of(type));
  }

  <T> Optional<T> value(String name, Class<T> type) {
    return Optional.ofNullable(binder().bind(name, type).orElse(null));
  }

  /** Every property the chart sets (env, secrets, ConfigMap) at or under {@code prefix}. */
  Set<ConfigurationPropertyName> namesFromChart(ConfigurationPropertyName prefix) {
    Set<ConfigurationPropertyName> names = new TreeSet<>();
    for (PropertySource<?> source : fromChart) {
      ConfigurationPropertySource properties = ConfigurationPropertySource.from(source);
      if (properties instanceof IterableConfigurationPropertySource iterable) {
        StreamSupport.stream(iterable.spliterator(), false)
            .filter(name -> prefix.equals(name) || prefix.isAncestorOf(name))
            .forEach(names::add);
      }
    }
    return names;
  }

  private Map<String, Object> containerEnvironment(RenderedChart chart) {
    Map<String, Object> variables = new LinkedHashMap<>();
    Object env = chart.container().get("env");
    for (Object entry : env == null ? List.of() : Node.list(env, "env")) {
      Map<String, Object> variable = Node.map(entry, "env entry");
      String name = (String) variable.get("name");
      if (variable.get("value") != null) {
        variables.put(name, expand(String.valueOf(variable.get("value")), variables));
      } else if ("metadata.name".equals(Node.at(variable, "valueFrom.fieldRef.fieldPath"))) {
        variables.put(name, podName);
      } else if ("metadata.namespace".equals(Node.at(variable, "valueFrom.fieldRef.fieldPath"))) {
        variables.put(name, NAMESPACE);
      }
    }
    return variables;
  }

  /** Kubernetes' {@code $(NAME)}: replaced by a variable defined earlier in the list, else left as it is. */
  private static String expand(String value, Map<String, Object> earlier) {
    java.util.regex.Matcher reference = java.util.regex.Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (reference.find()) {
      Object replacement = earlier.get(reference.group(1));
      reference.appendReplacement(expanded,
          java.util.regex.Matcher.quoteReplacement(replacement != null ? String.valueOf(replacement) : reference.group()));
    }
    return reference.appendTail(expanded).toString();
  }

  /** The chart-made token Secret's YAML, mounted where the ConfigMap imports it from. */
  private static Optional<String> tokenFile(RenderedChart chart) {
    return chart.all("Secret").stream()
        .map(secret -> Node.at(secret, "stringData"))
        .filter(data -> data != null && Node.map(data, "stringData").containsKey("tokens.yaml"))
        .map(data -> (String) Node.map(data, "stringData").get("tokens.yaml"))
        .findFirst();
  }

  private static Resource bytes(String text) {
    return new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<PropertySource<?>> yaml(String name, Resource resource) {
    try {
      return new YamlPropertySourceLoader().load(name, resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
