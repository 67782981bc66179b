package io.envkeeper.cluster;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envkeeper.environment.NotOwnerException;
import io.envkeeper.environment.Ownership;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDatabase;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The lease and its fence against the real database: what a second process with the same id, a
 * lease that ran out in the database, and a takeover do to owner commits. One application of its
 * own (a lease that outlives the test, so its heartbeat does not interfere) plus raw connections
 * standing in for other processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaseFencingIntegrationTests {

  private static final Duration LEASE = Duration.ofSeconds(60);
  private final String nodeId = "fence-" + UUID.randomUUID();
  private ConfigurableApplicationContext application;
  private Ownership ownership;
  private TransactionTemplate transaction;
  private JdbcTemplate jdbc;
  private ApiClient api;

  @BeforeAll
  void start() {
    List<String> properties = new ArrayList<>(TestTokens.propertyStrings());
    properties.addAll(List.of(
        "envkeeper.node.id=" + nodeId,
        "envkeeper.cluster.heartbeat-interval=20s",
        "envkeeper.cluster.lease-duration=" + LEASE.toSeconds() + "s",
        "envkeeper.data-dir=" + TestDirectories.create("fence-data"),
        "envkeeper.workspace.roots[0]=" + TestDirectories.create("fence-roots"),
        "envkeeper.workspace.managed-root=" + TestDirectories.create("fence-managed"),
        // Counts its runs in its workspace, then fails: restarted after a backoff.
        "envkeeper.workers.profiles.crashing.command=sh,-c,echo run >> runs; exit 1",
        "envkeeper.workers.profiles.crashing.restart=on-failure",
        "envkeeper.workers.profiles.crashing.restart-backoff=1s",
        "envkeeper.workers.profiles.crashing.restart-backoff-max=1s"));
    application = TestApplication.start(properties);
    ownership = application.getBean(Ownership.class);
    transaction = application.getBean(TransactionTemplate.class);
    jdbc = application.getBean(JdbcTemplate.class);
    api = new ApiClient(TestApplication.port(application));
  }

  @AfterAll
  void stop() {
    if (application != null) {
      application.close();
    }
  }

  @Test
  @Order(1)
  void aLiveLeaseIsNotAcquiredByASecondProcessAndTheFenceHoldsOffATakeover() throws SQLException {
    assertThat(ownership.actsAsOwner()).isTrue();
    long epoch = jdbc.queryForObject("SELECT epoch FROM node WHERE id = ?", Long.class, nodeId);
    try (Connection other = connect()) {
      assertThat(NodeTable.acquire(other, nodeId, "http://other:1", LEASE, 0))
          .isInstanceOf(NodeTable.Acquisition.HeldElsewhere.class);
      // An owner transaction in flight holds the node row: a takeover's FOR UPDATE has to wait for it.
      transaction.executeWithoutResult(status -> {
        ownership.fence();
        assertThatThrownBy(() -> other.createStatement().executeQuery(
                "SELECT 1 FROM node WHERE id = '" + nodeId + "' FOR UPDATE NOWAIT"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P03"));
      });
    }
    assertThat(jdbc.queryForObject("SELECT epoch FROM node WHERE id = ?", Long.class, nodeId)).isEqualTo(epoch);
  }

  /** Last: it leaves this application superseded. */
  @Test
  @Order(3)
  void aWorkerWaitingToRestartIsRestartedOnlyWhileThisNodeHoldsItsLease() throws Exception {
    JsonNode env = api.post("/api/v1/environments", "{\"name\":\"restarts\"}").json();
    String base = "/api/v1/environments/" + env.get("id").asString();
    Path runs = Path.of(env.get("path").asString()).resolve("runs");
    String worker = api.post(base + "/workers", "{\"profile\":\"crashing\"}").json().get("id").asString();
    await().atMost(Duration.ofSeconds(15)).until(() ->
        api.get(base + "/workers/" + worker).json().get("status").asString().equals("BACKOFF"));
    // The lease runs out in the database while the restart waits: the restart must not start a process.
    jdbc.update("UPDATE node SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = ?", nodeId);
    try {
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
          .until(() -> Files.readAllLines(runs).size() == 1);
      assertThat(api.get(base + "/workers/" + worker).json().get("restarts").asInt()).isZero();
    } finally {
      jdbc.update("UPDATE node SET lease_expires_at = clock_timestamp() + interval '60 seconds' WHERE id = ?", nodeId);
    }
    // Postponed, not given up: with the lease back, it restarts.
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.readAllLines(runs).size() >= 2);
    assertThat(api.delete(base + "/workers/" + worker + "?wait=PT10S").status()).isEqualTo(200);
    assertThat(api.delete(base + "?wait=PT30S").status()).isLessThan(300);
  }

  @Test
  @Order(4)
  void onceTheLeaseRanOutInTheDatabaseAndWasTakenOverNothingCommitsAsOwner() throws SQLException {
    String created = api.post("/api/v1/environments", "{\"name\":\"fenced\"}").json().get("id").asString();
    long epoch = jdbc.queryForObject("SELECT epoch FROM node WHERE id = ?", Long.class, nodeId);
    // The lease runs out in the database while this process still believes it holds it (a long
    // pause), and another process with the same id takes it over.
    jdbc.update("UPDATE node SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = ?", nodeId);
    assertThatThrownBy(() -> transaction.executeWithoutResult(status -> ownership.fence()))
        .isInstanceOf(NotOwnerException.class);
    try (Connection other = connect()) {
      NodeTable.Acquisition taken = NodeTable.acquire(other, nodeId, "http://other:1", LEASE, 0);
      assertThat(taken).isEqualTo(new NodeTable.Acquisition.Acquired(epoch + 1,
          ((NodeTable.Acquisition.Acquired) taken).expiresAt()));
      assertThat(NodeTable.renew(other, nodeId, epoch, LEASE)).as("the old epoch cannot renew").isNull();
    }
    assertThatThrownBy(() -> transaction.executeWithoutResult(status -> ownership.fence()))
        .isInstanceOf(NotOwnerException.class);
    // The old process's owner calls: refused, and the row stays READY.
    assertProblem(api.post("/api/v1/environments", "{\"name\":\"refused\"}"), 503, "node_unavailable");
    JsonNode row = api.get("/api/v1/environments/" + created).json();
    assertThat(row.get("status").asString()).isEqualTo("READY");
  }

  @Test
  @Order(2)
  void retiringANodeDestroysWhatItOwnedAndRefusesALiveOne() throws SQLException {
    String gone = "gone-" + UUID.randomUUID();
    UUID environment = UUID.randomUUID();
    try (Connection other = connect()) {
      NodeTable.acquire(other, gone, "http://gone:1", LEASE, 0);
    }
    jdbc.update("INSERT INTO environment (id, name, path, managed, status, node, tenant, created_at, updated_at, version)"
        + " VALUES (?, 'left', ?, true, 'READY', ?, ?, now(), now(), 0)",
        environment, "/nowhere/" + environment, gone, TestTokens.TENANT_A);
    UUID destroying = UUID.randomUUID();
    jdbc.update("INSERT INTO environment (id, name, path, managed, status, node, tenant, created_at, updated_at,"
        + " destroy_requested_at, destroy_reason, version) VALUES (?, 'going', ?, true, 'DESTROYING', ?, ?, now(), now(),"
        + " now(), 'ttl', 1)", destroying, "/nowhere/" + destroying, gone, TestTokens.TENANT_A);
    assertProblem(api.post("/api/v1/admin/nodes/" + gone + "/retire", "{}"), 409, "node_live");
    assertThat(api.get("/api/v1/admin/nodes").json().get("items").findValuesAsString("id")).contains(gone, nodeId);
    JsonNode listed = nodeNamed(api.get("/api/v1/admin/nodes").json().get("items"), gone);
    assertThat(listed.at("/environments/READY").asLong()).isEqualTo(1);
    assertThat(listed.at("/environments/DESTROYING").asLong()).isEqualTo(1);

    jdbc.update("UPDATE node SET lease_expires_at = clock_timestamp() WHERE id = ?", gone);
    ApiClient.Response retired = api.post("/api/v1/admin/nodes/" + gone + "/retire", "{}");
    assertThat(retired.status()).as(retired.body()).isEqualTo(200);
    assertThat(retired.json().get("live").asBoolean()).isFalse();
    assertThat(retired.json().at("/environments/READY").asLong()).isZero();
    JsonNode row = api.get("/api/v1/environments/" + environment).json();
    assertThat(row.get("status").asString()).isEqualTo("DESTROYED");
    assertThat(row.get("lastError").asString()).contains("retired");
    assertThat(row.get("destroyReason").asString()).isEqualTo("node_retired");
    JsonNode wasDestroying = api.get("/api/v1/environments/" + destroying).json();
    assertThat(wasDestroying.get("status").asString()).isEqualTo("DESTROYED");
    // It left READY for its TTL before the node was retired: that stays its reason.
    assertThat(wasDestroying.get("destroyReason").asString()).isEqualTo("ttl");
    assertThat(api.get("/api/v1/admin/nodes").json().get("items").findValuesAsString("id")).doesNotContain(gone);
    assertProblem(api.post("/api/v1/environments", "{\"name\":\"x\",\"node\":\"" + gone + "\"}"), 409, "node_unavailable");
    assertProblem(api.as(TestTokens.CLIENT_A).get("/api/v1/admin/nodes"), 403, "forbidden");
  }

  @Test
  @Order(3)
  void aDestroyAcceptedForAnotherNodeIsTheClientsAndWaitsForThatNode() throws SQLException {
    String elsewhere = "elsewhere-" + UUID.randomUUID();
    UUID environment = UUID.randomUUID();
    try (Connection other = connect()) {
      NodeTable.acquire(other, elsewhere, "http://elsewhere:1", LEASE, 0);
    }
    jdbc.update("UPDATE node SET lease_expires_at = clock_timestamp() WHERE id = ?", elsewhere);
    jdbc.update("INSERT INTO environment (id, name, path, managed, status, node, tenant, created_at, updated_at, version)"
        + " VALUES (?, 'remote', ?, true, 'READY', ?, ?, now(), now(), 0)",
        environment, "/nowhere/" + environment, elsewhere, TestTokens.TENANT_A);

    ApiClient.Response accepted = api.as(TestTokens.CLIENT_A).delete("/api/v1/environments/" + environment);

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.json().get("status").asString()).isEqualTo("DESTROYING");
    assertThat(accepted.json().get("destroyReason").asString()).isEqualTo("client");
    assertThat(jdbc.queryForObject("SELECT destroy_reason FROM environment WHERE id = ?", String.class, environment))
        .isEqualTo("client");
  }

  private static JsonNode nodeNamed(JsonNode items, String id) {
    for (JsonNode item : items) {
      if (item.get("id").asString().equals(id)) {
        return item;
      }
    }
    throw new AssertionError("no node " + id + " in " + items);
  }

  private static Connection connect() throws SQLException {
    TestDatabase.Coordinates database = TestDatabase.get();
    return DriverManager.getConnection(database.url(), database.username(), database.password());
  }
}
