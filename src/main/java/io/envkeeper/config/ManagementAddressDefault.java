package io.envkeeper.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * {@code management.server.address} defaults to {@code server.address}. Spring Boot binds a separate
 * management port ({@code management.server.port}) to every interface unless told otherwise, even
 * when the API is bound to one address (loopback); and on that port every request is trusted as
 * admin. An explicit {@code management.server.address} still wins (it is looked up through every
 * property source, so an environment variable counts too).
 */
public class ManagementAddressDefault implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE_NAME = "envkeeperManagementAddressDefault";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String serverAddress = environment.getProperty("server.address");
    if (!StringUtils.hasText(serverAddress) || environment.containsProperty("management.server.address")) {
      return;
    }
    // Last: the lowest precedence, a default that any configuration overrides.
    environment.getPropertySources()
        .addLast(new MapPropertySource(SOURCE_NAME, Map.of("management.server.address", serverAddress)));
  }

  /** After the configuration files are loaded (their post-processor runs much earlier). */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
