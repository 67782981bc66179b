package io.envkeeper.environment;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a client asked to create, already checked for shape by the API layer.
 *
 * @param path the client's workspace path, or {@code null} for a managed workspace
 */
public record CreateEnvironmentCommand(String name, String path, Map<String, String> labels) {

  public CreateEnvironmentCommand {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The same fields in a stable order, so equal requests hash equally. */
  String canonicalJson() {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("name", name);
    canonical.put("path", path);
    canonical.put("labels", new TreeMap<>(labels));
    return LabelsConverter.JSON.writeValueAsString(canonical);
  }
}
