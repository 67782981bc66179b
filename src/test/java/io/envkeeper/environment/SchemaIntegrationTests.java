package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.support.IntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The database itself enforces what must hold even under concurrent writers. */
class SchemaIntegrationTests extends IntegrationTest {

  @Autowired JdbcTemplate jdbc;

  /** Leave only tombstones behind: later contexts must not find live rows without directories. */
  @AfterEach
  void buryTestRows() {
    jdbc.update("UPDATE environment SET status = 'DESTROYED' WHERE name = 'schema'");
  }

  @Test
  void twoLiveRowsCannotShareAPathButTombstonesCan() {
    String path = "/schema-test/" + UUID.randomUUID();
    insert(path, "DESTROYED");
    insert(path, "DESTROYED");
    insert(path, "READY");

    assertThatThrownBy(() -> insert(path, "DESTROYING")).isInstanceOf(DataIntegrityViolationException.class);
    assertThatThrownBy(() -> insert(path, "READY")).isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void statusOutsideTheThreeValuesIsRejected() {
    assertThatThrownBy(() -> insert("/schema-test/" + UUID.randomUUID(), "ZOMBIE"))
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void liveEnvironmentQueryUsesThePartialIndex() {
    jdbc.execute("SET enable_seqscan = off");
    try {
      List<String> plan =
          jdbc.queryForList(
              "EXPLAIN SELECT id FROM environment WHERE status <> 'DESTROYED' ORDER BY created_at, id",
              String.class);
      // Any index whose predicate excludes tombstones will do (V1's by creation order, V5's by
      // node); what must never happen is a read that walks the tombstones.
      List<String> liveIndexes =
          jdbc.queryForList(
              "SELECT indexname FROM pg_indexes WHERE tablename = 'environment'"
                  + " AND indexdef LIKE '%WHERE%DESTROYED%'",
              String.class);
      assertThat(liveIndexes).contains("environment_live_idx");
      assertThat(String.join("\n", plan))
          .doesNotContain("Seq Scan")
          .containsAnyOf(liveIndexes.toArray(String[]::new));
    } finally {
      jdbc.execute("RESET enable_seqscan");
    }
  }

  private void insert(String path, String status) {
    jdbc.update(
        "INSERT INTO environment (id, name, path, managed, status, node, created_at, updated_at, version)"
            + " VALUES (?, 'schema', ?, false, ?, 'n', now(), now(), 0)",
        UUID.randomUUID(), path, status);
  }
}
