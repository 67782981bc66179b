package io.envkeeper.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Identity of this host in the environment rows it owns.
 *
 * @param id Node name recorded on every environment created here. Defaults to the host name (the
 *     pod name in a StatefulSet).
 */
@ConfigurationProperties("envkeeper.node")
public record NodeProperties(String id) {

  public NodeProperties {
    if (id == null || id.isBlank()) {
      id = hostName();
    }
  }

  private static String hostName() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
