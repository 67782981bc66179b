package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TeardownRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Where a teardown runs: on the request's own thread when the destroy may wait for all of it (no
 * hand-off to the teardown executor and back), on the teardown executor otherwise, so a destroy
 * still answers within its {@code wait}. And an accepted destroy starts its own teardown without a
 * whole reconcile pass.
 */
@TestPropertySource(properties = {
  "envkeeper.workers.profiles.coop.command[0]=sh",
  "envkeeper.workers.profiles.coop.command[1]=-c",
  "envkeeper.workers.profiles.coop.command[2]=echo ready; read line; echo done",
  "envkeeper.workers.profiles.coop.shutdown-message=shutdown",
  "envkeeper.workers.profiles.coop.ack-line=done",
  // Whole protocol bound: 2s ack + 250ms after the ack + 2s grace + 1s kill, and up to 1s more for
  // leftovers after the reap = 6.25 s.
  "envkeeper.workers.profiles.coop.ack-timeout=2s",
  "envkeeper.workers.profiles.coop.stop-grace=2s",
  "envkeeper.workers.profiles.coop.kill-timeout=1s",
})
class TeardownThreadIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired TeardownRecorder teardowns;
  @Autowired MeterRegistry meters;

  @Test
  void destroyThatMayWaitForItsWholeTeardownRunsItOnTheRequestThread() {
    UUID id = createWithWorker();

    Response destroyed = api().delete(BASE + "/" + id + "?wait=PT10S");

    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(teardowns.threadOf(id)).startsWith("http-");
  }

  @Test
  void destroyWhoseWaitIsShorterThanItsWorkersStopBoundHandsTheTeardownToTheExecutor() {
    UUID id = createWithWorker();

    Response answered = api().delete(BASE + "/" + id + "?wait=PT5S");

    assertThat(answered.status()).isIn(200, 202);
    await().atMost(Duration.ofSeconds(15)).until(() -> status(id).equals("DESTROYED"));
    assertThat(teardowns.threadOf(id)).startsWith("teardown-");
  }

  @Test
  void destroyWhoseWaitDoesNotCoverTheWaitForLeftoversAfterTheReapHandsTheTeardownToTheExecutor() {
    UUID id = createWithWorker();

    Response answered = api().delete(BASE + "/" + id + "?wait=PT6S");

    assertThat(answered.status()).isIn(200, 202);
    await().atMost(Duration.ofSeconds(15)).until(() -> status(id).equals("DESTROYED"));
    assertThat(teardowns.threadOf(id)).startsWith("teardown-");
  }

  @Test
  void destroyWithoutWaitRunsItsTeardownOnTheExecutor() {
    UUID id = create();

    assertThat(api().delete(BASE + "/" + id).status()).isIn(200, 202);

    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("DESTROYED"));
    assertThat(teardowns.threadOf(id)).startsWith("teardown-");
  }

  @Test
  void acceptedDestroysRequestNoReconcilePass() {
    UUID[] ids = {create(), create(), create(), create(), create()};
    long passesBefore = passes();

    for (UUID id : ids) {
      assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
    }

    // Periodic passes come every 4 s or more (5 s, 20 % jitter): at most one falls into these
    // destroys; a pass requested by each destroy would make five.
    assertThat(passes() - passesBefore).isLessThanOrEqualTo(1);
  }

  private long passes() {
    return meters.get("envkeeper.reconcile.duration").timer().count();
  }

  private UUID createWithWorker() {
    UUID id = create();
    Response worker = api().post(BASE + "/" + id + "/workers", "{\"profile\":\"coop\"}");
    assertThat(worker.status()).isEqualTo(201);
    return id;
  }

  private UUID create() {
    Response created = api().post(BASE, "{\"name\":\"t\"}");
    assertThat(created.status()).isEqualTo(201);
    return UUID.fromString(created.json().get("id").asString());
  }

  private String status(UUID id) {
    return api().get(BASE + "/" + id).json().get("status").asString();
  }
}
