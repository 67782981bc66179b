package io.envkeeper.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM: a Testcontainers container where a Docker engine runs, an
 * embedded server (throw-away data directory) where it does not. Stopped when the JVM exits.
 */
public final class TestDatabase {

  /** Connection coordinates of the running database. */
  public record Coordinates(String url, String username, String password) {}

  private static Coordinates coordinates;

  private TestDatabase() {}

  public static synchronized Coordinates get() {
    if (coordinates == null) {
      coordinates = DockerClientFactory.instance().isDockerAvailable() ? startContainer() : startEmbedded();
    }
    return coordinates;
  }

  private static Coordinates startContainer() {
    PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-database-stop"));
    return new Coordinates(container.getJdbcUrl(), container.getUsername(), container.getPassword());
  }

  private static Coordinates startEmbedded() {
    try {
      // The library stops the server in a shutdown hook of its own and removes its data directory.
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("unix_socket_directories", "") // TCP only: nothing left in /tmp
              .start();
      return new Coordinates(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded test database", e);
    }
  }
}
