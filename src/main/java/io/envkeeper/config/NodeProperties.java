package io.envkeeper.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Pattern;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Identity of this node in the cluster and in the environment rows it owns.
 *
 * @param id Node name recorded on every environment created here; unique and stable across
 *     restarts (the StatefulSet pod name). Defaults to the host name.
 * @param advertiseUrl Base URL other nodes use to reach this node's API port, e.g. {@code
 *     http://envkeeper-1.envkeeper-headless.ns.svc:8080}. Defaults to {@code
 *     http://<host name>:<server port>}.
 */
@ConfigurationProperties("envkeeper.node")
@Validated
public record NodeProperties(
    @Pattern(regexp = "[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?",
        message = "must be 1-253 characters of [A-Za-z0-9._-], starting and ending with a letter or digit")
        String id,
    String advertiseUrl) {

  public NodeProperties {
    if (id == null || id.isBlank()) {
      id = hostName();
    }
    if (advertiseUrl != null && advertiseUrl.isBlank()) {
      advertiseUrl = null;
    }
  }

  /** The configured advertise URL without a trailing slash, or the default for this server port. */
  public String advertiseUrlOr(int serverPort) {
    String url = advertiseUrl != null ? advertiseUrl : "http://" + hostName() + ":" + serverPort;
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @AssertTrue(message = "envkeeper.node.advertise-url must be an absolute http(s) URL with a host and no query")
  boolean isAdvertiseUrlValid() {
    if (advertiseUrl == null) {
      return true;
    }
    try {
      URI uri = new URI(advertiseUrl);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
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
