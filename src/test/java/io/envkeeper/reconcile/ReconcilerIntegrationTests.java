package io.envkeeper.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TeardownRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@TestPropertySource(properties = {"envkeeper.reconcile.interval=500ms", "envkeeper.reconcile.destroy-retry-base=200ms"})
class ReconcilerIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;
  @Autowired Reconciler reconciler;
  @Autowired NodeProperties node;
  @Autowired TeardownRecorder teardowns;
  @Autowired TransactionTemplate transaction;

  @Test
  void destroyingEnvironmentLeftByACrashIsDrivenToDestroyed() throws Exception {
    UUID id = UUID.randomUUID();
    Path workspace = Files.createDirectory(MANAGED_ROOT.resolve(id.toString()));
    Files.writeString(workspace.resolve("left-behind"), "x");
    // As a crash right after READY -> DESTROYING was committed leaves it: no teardown ever ran.
    jdbc.update(
        "INSERT INTO environment (id, name, path, managed, status, node, created_at, updated_at,"
            + " destroy_requested_at, version) VALUES (?, 'crashed', ?, true, 'DESTROYING', ?, now(), now(), now(), 1)",
        id, workspace.toString(), node.id());

    await().atMost(Duration.ofSeconds(15))
        .until(() -> status(id).equals("DESTROYED"));

    assertThat(workspace).doesNotExist();
  }

  @Test
  void failingTeardownIsRetriedWithBackoffAndNeverRevertsToReady() {
    UUID id = UUID.fromString(api().post(BASE, "{\"name\":\"flaky\"}").json().get("id").asString());
    teardowns.failFor(id);
    api().delete(BASE + "/" + id);

    await().atMost(Duration.ofSeconds(20)).until(() -> teardowns.teardowns(id) >= 3);
    // The recorder counts an attempt when it starts; its failure is committed a moment later.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        api().get(BASE + "/" + id).json().get("destroyAttempts").asInt() >= 3);
    JsonNode stuck = api().get(BASE + "/" + id).json();
    assertThat(stuck.get("status").asString()).isEqualTo("DESTROYING");
    assertThat(stuck.get("destroyAttempts").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(stuck.get("lastError").asString()).contains("teardown made to fail");
    JsonNode health = api().get("/actuator/health").json().get("components").get("reconciler");
    assertThat(health.get("details").get("destroyingCount").asInt()).isGreaterThanOrEqualTo(1);

    teardowns.stopFailingFor(id);

    await().atMost(Duration.ofSeconds(70)).until(() -> status(id).equals("DESTROYED"));
  }

  @Test
  void healthComponentReportsPasses() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Response health = api().get("/actuator/health");
      JsonNode reconcilerHealth = health.json().get("components").get("reconciler");
      assertThat(reconcilerHealth.get("status").asString()).isEqualTo("UP");
      assertThat(reconcilerHealth.get("details").get("lastSuccessfulPassAt").isNull()).isFalse();
      assertThat(reconcilerHealth.get("details").get("consecutiveFailures").asInt()).isZero();
    });
    assertThat(api().get("/actuator/prometheus").body())
        .contains("envkeeper_reconcile_duration_seconds_count")
        .contains("envkeeper_destroy_duration_seconds");
  }

  /** The pass query's cost follows live rows: 100k tombstones beside 500 live rows. */
  @Test
  void passOverHundredThousandTombstonesUsesTheLiveIndexAndStaysFast() {
    transaction.executeWithoutResult(status -> {
      jdbc.update(
          "INSERT INTO environment (id, name, path, managed, status, node, created_at, updated_at, version)"
              + " SELECT gen_random_uuid(), 'tomb', '/tomb/' || g, false, 'DESTROYED', ?, now(), now(), 2"
              + " FROM generate_series(1, 100000) g", node.id());
      jdbc.update(
          "INSERT INTO environment (id, name, path, managed, status, node, created_at, updated_at, version)"
              + " SELECT gen_random_uuid(), 'live', '/live/' || g, false, 'DESTROYING', 'elsewhere', now(), now(), 1"
              + " FROM generate_series(1, 500) g");
      jdbc.execute("ANALYZE environment");
      List<String> plan = jdbc.queryForList(
          "EXPLAIN SELECT * FROM environment WHERE node = 'n' AND status <> 'DESTROYED' ORDER BY created_at, id",
          String.class);
      // Either partial index over non-DESTROYED rows serves it; a scan of the tombstones must not.
      assertThat(String.join("\n", plan)).contains("Index Scan using environment_live_").doesNotContain("Seq Scan");

      long[] nanos = new long[5];
      for (int i = 0; i < nanos.length; i++) {
        long started = System.nanoTime();
        ReconcileOutcome outcome = reconciler.runPass();
        nanos[i] = System.nanoTime() - started;
        assertThat(outcome.databaseReachable()).isTrue();
      }
      java.util.Arrays.sort(nanos);
      System.out.printf("reconcile pass over 100k DESTROYED + 500 live (other node) rows: median %.1f ms%n",
          nanos[nanos.length / 2] / 1e6);
      status.setRollbackOnly();
    });
  }

  private String status(UUID id) {
    return api().get(BASE + "/" + id).json().get("status").asString();
  }
}
