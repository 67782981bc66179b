package io.envkeeper.embeddeddb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL requires its password: a local process that connects to its port without
 * the password, or with a wrong one, is refused, whatever the data directory's history. A data
 * directory made by the release that trusted every local connection is converted in place, data
 * intact.
 */
class EmbeddedDatabaseCredentialJarTests {

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-embedded-credential");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void freshDataDirectoryRefusesConnectionsWithoutThePassword() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), sandbox.arguments())) {
      int port = postgresPort();

      assertRefused(port, null);
      assertRefused(port, "postgres");
      assertRefused(port, "");
      assertThat(select(port, password(), "SELECT count(*) FROM client_token")).isNotNull();
      assertNoTrust();
      assertThat(service.log()).doesNotContain(password());
    }
  }

  @Test
  void dataDirectoryOfTheReleaseThatTrustedLocalConnectionsIsConvertedWithNothingLost() throws Exception {
    Path postgresData = sandbox.dataDir().resolve("postgres");
    try (EmbeddedPostgres earlier = startLikeTheTrustingRelease(postgresData);
        Connection connection = earlier.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      // A schema of its own: the service's migrations expect to find "public" empty or theirs.
      statement.execute("CREATE SCHEMA earlier");
      statement.execute("CREATE TABLE earlier.kept (value text)");
      statement.execute("INSERT INTO earlier.kept VALUES ('before')");
    }
    assertThat(hbaRules()).anyMatch(rule -> rule.endsWith("trust")); // made exactly as that release made it

    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), sandbox.arguments())) {
      int port = postgresPort();

      assertRefused(port, null);
      assertRefused(port, "wrong");
      assertThat(select(port, password(), "SELECT value FROM earlier.kept")).isEqualTo("before");
      assertNoTrust();
      assertThat(service.api().post("/api/v1/environments", "{\"name\":\"after\"}").status()).isEqualTo(201);
      assertThat(service.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }

    // Later starts keep the converted directory and its password.
    String password = password();
    try (ServiceProcess again = ServiceProcess.start(sandbox.home(), sandbox.arguments())) {
      assertThat(password()).isEqualTo(password);
      assertThat(select(postgresPort(), password, "SELECT value FROM earlier.kept")).isEqualTo("before");
      assertRefused(postgresPort(), null);
    }
  }

  /** The embedded configuration of the release before this one: zonky's initdb, trust auth. */
  private static EmbeddedPostgres startLikeTheTrustingRelease(Path postgresData) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(postgresData)
        .setCleanDataDirectory(false)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "localhost")
        .setServerConfig("unix_socket_directories", "")
        .start();
  }

  private void assertNoTrust() throws IOException {
    List<String> rules = hbaRules();
    assertThat(rules).isNotEmpty().allMatch(rule -> rule.endsWith("scram-sha-256"), "scram-sha-256 only");
    Path passwordFile = sandbox.dataDir().resolve("postgres.password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
  }

  private List<String> hbaRules() throws IOException {
    return Files.readAllLines(sandbox.dataDir().resolve("postgres").resolve("pg_hba.conf")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }

  private String password() throws IOException {
    return Files.readString(sandbox.dataDir().resolve("postgres.password")).strip();
  }

  private int postgresPort() throws IOException {
    List<String> pid = Files.readAllLines(sandbox.dataDir().resolve("postgres").resolve("postmaster.pid"));
    return Integer.parseInt(pid.get(3).strip());
  }

  private static void assertRefused(int port, String password) {
    assertThatThrownBy(() -> select(port, password, "SELECT 1"))
        .as("connection as postgres with password %s", password)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");
  }

  private static String select(int port, String password, String query) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", "5");
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", properties);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      result.next();
      return result.getString(1);
    }
  }
}
