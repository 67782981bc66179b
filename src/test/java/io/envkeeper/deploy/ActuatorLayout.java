package io.envkeeper.deploy;

import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;

/**
 * Where the application serves its Actuator endpoints under a configuration, computed with
 * Actuator's own properties classes the way Spring Boot resolves them: the management port when
 * one is set (then {@code management.server.base-path}), else the server port (then the servlet
 * context path), then {@code management.endpoints.web.base-path} and the endpoint's path mapping.
 */
record ActuatorLayout(int port, String prefix, Map<String, String> pathMapping, WebEndpointProperties web) {

  static ActuatorLayout of(PodConfiguration configuration) {
    int serverPort =
        configuration.value("server.port", Integer.class)
            .orElseThrow(() -> new AssertionError("server.port is set nowhere"));
    ManagementServerProperties management = configuration.bind("management.server", ManagementServerProperties.class);
    WebEndpointProperties web = configuration.bind("management.endpoints.web", WebEndpointProperties.class);
    boolean separatePort = management.getPort() != null && management.getPort() != serverPort;
    String contextPath =
        separatePort
            ? nullToEmpty(management.getBasePath())
            : configuration.value("server.servlet.context-path", String.class).orElse("");
    return new ActuatorLayout(
        separatePort ? management.getPort() : serverPort,
        trimSlash(contextPath) + trimSlash(web.getBasePath()),
        Map.copyOf(web.getPathMapping()),
        web);
  }

  /** The path of an endpoint, e.g. {@code path("health", "liveness")}. */
  String path(String endpointId, String... subPaths) {
    StringBuilder path = new StringBuilder(prefix).append('/').append(pathMapping.getOrDefault(endpointId, endpointId));
    for (String subPath : subPaths) {
      path.append('/').append(subPath);
    }
    return path.toString();
  }

  boolean exposes(String endpointId) {
    WebEndpointProperties.Exposure exposure = web.getExposure();
    return (exposure.getInclude().contains(endpointId) || exposure.getInclude().contains("*"))
        && !exposure.getExclude().contains(endpointId);
  }

  private static String trimSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
