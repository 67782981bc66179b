package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.environment.TeardownStep;
import io.envkeeper.environment.TeardownTarget;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The end of a worker stopped by its environment's teardown is committed in the transaction that
 * records the teardown's outcome: with DESTROYED (one commit for both), or with the failure when a
 * later step fails, never left STOPPING behind a teardown that finished.
 */
@TestPropertySource(properties = {
  "envkeeper.workers.profiles.coop.command[0]=sh",
  "envkeeper.workers.profiles.coop.command[1]=-c",
  "envkeeper.workers.profiles.coop.command[2]=echo ready; read line; echo done",
  "envkeeper.workers.profiles.coop.shutdown-message=shutdown",
  "envkeeper.workers.profiles.coop.ack-line=done",
  "envkeeper.workers.profiles.coop.ack-timeout=2s",
  "envkeeper.workers.profiles.coop.stop-grace=2s",
  "envkeeper.workers.profiles.coop.kill-timeout=1s",
})
@Import(WorkerEndOnDestroyIntegrationTests.Config.class)
class WorkerEndOnDestroyIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;
  @Autowired FailingAfterWorkersStop failing;

  private final Set<UUID> made = ConcurrentHashMap.newKeySet();

  @AfterEach
  void destroyWhatWasMade() {
    made.forEach(id -> {
      failing.stopFailingFor(id);
      assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
    });
  }

  @Test
  void workerEndIsCommittedInTheTransactionThatMakesItsEnvironmentDestroyed() {
    UUID id = create();
    UUID worker = startCoop(id);

    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);

    Map<String, Object> row = jdbc.queryForMap("SELECT status, exit_code, xmin::text AS xid FROM worker WHERE id = ?", worker);
    String environmentXid = jdbc.queryForObject("SELECT xmin::text FROM environment WHERE id = ?", String.class, id);
    assertThat(row.get("status")).isEqualTo("EXITED");
    assertThat(row.get("exit_code")).isEqualTo(0);
    assertThat(row.get("xid")).as("the transaction that wrote the worker's end").isEqualTo(environmentXid);
  }

  @Test
  void concurrentDestroysOfEnvironmentsWithAWorkerEachSucceedAtTheirFirstAttempt() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      UUID id = create();
      startCoop(id);
      ids.add(id);
    }
    ExecutorService clients = Executors.newFixedThreadPool(6);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (UUID id : ids) {
        answers.add(clients.submit(() -> api().delete(BASE + "/" + id + "?wait=PT10S")));
      }
      for (Future<Response> answer : answers) {
        // The exit of a worker reported after its stop ended must not record that end beside the
        // teardown's transaction (which then failed on the row's version and stayed DESTROYING).
        Response destroyed = answer.get(30, TimeUnit.SECONDS);
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
        assertThat(destroyed.json().get("destroyAttempts").asInt()).isEqualTo(1);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void workerEndIsCommittedWithTheFailureWhenALaterTeardownStepFails() {
    UUID id = create();
    UUID worker = startCoop(id);
    failing.failFor(id);

    Response answered = api().delete(BASE + "/" + id + "?wait=PT10S");

    assertThat(answered.status()).isEqualTo(202);
    assertThat(answered.json().get("lastError").asString()).contains("made to fail by the test");
    assertThat(jdbc.queryForObject("SELECT status FROM worker WHERE id = ?", String.class, worker)).isEqualTo("EXITED");
  }

  private UUID create() {
    Response created = api().post(BASE, "{\"name\":\"ends\"}");
    assertThat(created.status()).isEqualTo(201);
    UUID id = UUID.fromString(created.json().get("id").asString());
    made.add(id);
    return id;
  }

  private UUID startCoop(UUID environment) {
    Response worker = api().post(BASE + "/" + environment + "/workers", "{\"profile\":\"coop\"}");
    assertThat(worker.status()).isEqualTo(201);
    return UUID.fromString(worker.json().get("id").asString());
  }

  /** A teardown step after the runtime's (which stops the workers) that fails for chosen ids. */
  static class FailingAfterWorkersStop implements TeardownStep {

    private final Set<UUID> failing = ConcurrentHashMap.newKeySet();

    @Override
    public void tearDown(TeardownTarget target) {
      if (failing.contains(target.id())) {
        throw new IllegalStateException("teardown step made to fail by the test");
      }
    }

    void failFor(UUID id) {
      failing.add(id);
    }

    void stopFailingFor(UUID id) {
      failing.remove(id);
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Config {
    @Bean
    @Order(150)
    FailingAfterWorkersStop failingAfterWorkersStop() {
      return new FailingAfterWorkersStop();
    }
  }
}
