package io.envkeeper.support;

import io.envkeeper.EnvkeeperApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application started by hand in a test, on a free port against the per-JVM test database.
 * Properties are passed as command-line arguments: unlike default properties, they win over
 * {@code application.yaml} (its {@code server.port}, {@code envkeeper.data-dir}, workspace roots).
 */
public final class TestApplication {

  private TestApplication() {}

  /** Starts the application with {@code key=value} properties. */
  public static ConfigurableApplicationContext start(List<String> properties) {
    return start(properties, new Class<?>[0]);
  }

  /** Starts the application with {@code key=value} properties and extra (test) configuration classes. */
  public static ConfigurableApplicationContext start(List<String> properties, Class<?>... extraSources) {
    TestDatabase.Coordinates database = TestDatabase.get();
    List<String> arguments = new ArrayList<>(List.of(
        "--server.port=0",
        "--spring.datasource.url=" + database.url(),
        "--spring.datasource.username=" + database.username(),
        "--spring.datasource.password=" + database.password(),
        // Other applications on the shared test database are live nodes too: keep creates here.
        "--envkeeper.cluster.placement=receiving-node"));
    properties.forEach(property -> arguments.add("--" + property));
    return new SpringApplicationBuilder(EnvkeeperApplication.class)
        .sources(extraSources)
        .run(arguments.toArray(String[]::new));
  }

  public static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
