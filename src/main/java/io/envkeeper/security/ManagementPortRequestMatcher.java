package io.envkeeper.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Matches requests that arrived on the separate management port, when {@code
 * management.server.port} gives one. Never matches when management shares the server port: then
 * Boot makes {@code local.management.port} an alias of {@code local.server.port}, which must not
 * turn every request into a management request.
 */
final class ManagementPortRequestMatcher implements RequestMatcher {

  static final String LOCAL_MANAGEMENT_PORT = "local.management.port";
  static final String LOCAL_SERVER_PORT = "local.server.port";

  private final Environment environment;
  private final boolean separatePort;

  ManagementPortRequestMatcher(Environment environment) {
    this.environment = environment;
    this.separatePort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
  }

  @Override
  public boolean matches(HttpServletRequest request) {
    if (!separatePort) {
      return false;
    }
    // Read on each match: the ports are known only once both servers have started (port 0).
    Integer managementPort = environment.getProperty(LOCAL_MANAGEMENT_PORT, Integer.class);
    Integer serverPort = environment.getProperty(LOCAL_SERVER_PORT, Integer.class);
    return managementPort != null
        && managementPort > 0
        && !managementPort.equals(serverPort)
        && request.getLocalPort() == managementPort;
  }

  @Override
  public String toString() {
    return "ManagementPort";
  }
}
