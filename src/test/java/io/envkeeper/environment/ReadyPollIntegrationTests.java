package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Status polls of READY environments come from memory, and every change reaches the next poll:
 * one made by this node before its answer, one made by any other writer (another node, a bulk
 * statement) through the database's notification.
 */
class ReadyPollIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry meters;

  @Test
  void pollsOfAReadyEnvironmentBorrowNoConnection() {
    UUID id = create();
    assertThat(status(id)).isEqualTo("READY");
    double borrowsBefore = borrows();

    for (int i = 0; i < 50; i++) {
      assertThat(status(id)).isEqualTo("READY");
    }

    // Background work (a reconcile pass, an activity flush) may borrow a few; 50 polls reading
    // the database would borrow 50.
    assertThat(borrows() - borrowsBefore).isLessThan(10);
  }

  @Test
  void aDestroyAcceptedHereIsSeenByThePollRightAfterItsAnswer() {
    UUID id = create();
    assertThat(status(id)).isEqualTo("READY");

    Response accepted = api().delete(BASE + "/" + id);

    assertThat(accepted.status()).isIn(200, 202);
    assertThat(status(id)).isIn("DESTROYING", "DESTROYED");
  }

  @Test
  void aChangeCommittedByAnotherWriterReachesThePolls() {
    UUID id = create();
    long version = api().get(BASE + "/" + id).json().get("version").asLong();

    // What another node's PATCH commits: a row change this node did not make.
    jdbc.update("UPDATE environment SET labels = '{\"changed\":\"elsewhere\"}'::jsonb, version = version + 1 WHERE id = ?", id);

    await().atMost(Duration.ofSeconds(5)).until(
        () -> api().get(BASE + "/" + id).json().get("version").asLong() == version + 1);
    assertThat(api().get(BASE + "/" + id).json().get("labels").get("changed").asString()).isEqualTo("elsewhere");
  }

  @Test
  void aDestroyCommittedByAnotherWriterReachesThePolls() {
    UUID id = create();
    assertThat(status(id)).isEqualTo("READY");

    jdbc.update("UPDATE environment SET status = 'DESTROYING', destroy_requested_at = now(), version = version + 1"
        + " WHERE id = ?", id);

    await().atMost(Duration.ofSeconds(5)).until(() -> !status(id).equals("READY"));
  }

  private double borrows() {
    return meters.get("hikaricp.connections.usage").timer().count();
  }

  private UUID create() {
    Response created = api().post(BASE, "{\"name\":\"p\"}");
    assertThat(created.status()).isEqualTo(201);
    return UUID.fromString(created.json().get("id").asString());
  }

  private String status(UUID id) {
    return api().get(BASE + "/" + id).json().get("status").asString();
  }
}
