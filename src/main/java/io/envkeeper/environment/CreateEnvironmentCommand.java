package io.envkeeper.environment;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client asked to create, already checked for shape by the API layer.
 *
 * @param path the client's workspace path, or {@code null} for a managed workspace
 * @param ttl the requested time to live, or {@code null} for the configured default
 * @param idleTimeout the requested idle timeout, or {@code null} for the configured default
 */
public record CreateEnvironmentCommand(
    String name, String path, Map<String, String> labels, Duration ttl, Duration idleTimeout) {

  public CreateEnvironmentCommand {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A create without expiry settings of its own. */
  public CreateEnvironmentCommand(String name, String path, Map<String, String> labels) {
    this(name, path, labels, null, null);
  }

  /** The same fields in a stable order, so equal requests hash equally. */
  String canonicalJson() {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("name", name);
    canonical.put("path", path);
    canonical.put("labels", new TreeMap<>(labels));
    // Only when sent: a retry of a request made before expiry existed hashes as it did then.
    if (ttl != null) {
      canonical.put("ttl", ttl.toString());
    }
    if (idleTimeout != null) {
      canonical.put("idleTimeout", idleTimeout.toString());
    }
    return LabelsConverter.JSON.writeValueAsString(canonical);
  }
}
