package io.envkeeper.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentRepository;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Two nodes on one database acting on the same due environments (as a node whose lease lapsed and
 * the new owner might): each environment is expired exactly once, whoever wins. The guard is the
 * database's, not anything in one process's memory.
 */
@TestPropertySource(properties = "envkeeper.environments.expiry-warning=0s")
class ExpiryRaceIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final int ENVIRONMENTS = 20;
  private static final int PASSES_PER_NODE = 2;

  private static ConfigurableApplicationContext otherNode;

  @Autowired ExpiryPass pass;
  @Autowired EnvironmentRepository environments;
  @Autowired MeterRegistry meters;
  @Autowired JdbcTemplate jdbc;

  @BeforeAll
  static void startAnotherNode() {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.node.id=race-other-" + UUID.randomUUID(),
        "envkeeper.data-dir=" + TestDirectories.create("race-data"),
        "envkeeper.workspace.roots[0]=" + WORKSPACE_ROOT,
        "envkeeper.workspace.managed-root=" + MANAGED_ROOT,
        "envkeeper.environments.expiry-warning=0s"));
    properties.addAll(TestTokens.propertyStrings());
    otherNode = TestApplication.start(properties);
  }

  @AfterAll
  static void stopTheOtherNode() {
    if (otherNode != null) {
      otherNode.close();
    }
  }

  @Test
  void twoNodesPassingOverTheSameDueEnvironmentsExpireEachExactlyOnce() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < ENVIRONMENTS; i++) {
      ids.add(UUID.fromString(api().post(BASE, "{\"name\":\"race-" + i + "\",\"ttl\":\"PT1H\"}").json().get("id").asString()));
    }
    double expiredBefore = expired(meters) + expired(otherNode.getBean(MeterRegistry.class));
    // Due since a minute, as a deadline set before either node started.
    jdbc.update("UPDATE environment SET expires_at = now() - interval '1 minute', updated_at = now() - interval '1 hour'"
        + " WHERE id = ANY (?)", (Object) ids.toArray(UUID[]::new));

    List<Callable<Integer>> passes = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int i = 0; i < PASSES_PER_NODE; i++) {
      passes.add(racingPass(pass, environments, ids, start));
      passes.add(racingPass(otherNode.getBean(ExpiryPass.class), otherNode.getBean(EnvironmentRepository.class), ids, start));
    }
    ExecutorService threads = Executors.newFixedThreadPool(passes.size());
    try {
      List<Future<Integer>> outcomes = new ArrayList<>();
      passes.forEach(racer -> outcomes.add(threads.submit(racer)));
      start.countDown();
      int expiredByTheRacers = 0;
      for (Future<Integer> outcome : outcomes) {
        expiredByTheRacers += outcome.get(60, TimeUnit.SECONDS);
      }
      assertThat(expiredByTheRacers).isLessThanOrEqualTo(ENVIRONMENTS);
    } finally {
      threads.shutdownNow();
    }

    await().atMost(Duration.ofSeconds(30)).until(() ->
        ids.stream().allMatch(id -> status(id).equals("DESTROYED")));
    // Every expiry that won is counted, on whichever node won it (the scheduled passes included).
    double expiredAfter = expired(meters) + expired(otherNode.getBean(MeterRegistry.class));
    assertThat(expiredAfter - expiredBefore).isEqualTo(ENVIRONMENTS);
    for (UUID id : ids) {
      var row = api().get(BASE + "/" + id).json();
      assertThat(row.get("destroyReason").asString()).isEqualTo("ttl");
      assertThat(row.get("destroyAttempts").asInt()).as("one teardown recorded for %s", id).isEqualTo(1);
    }
  }

  /** One pass over the environments, as that node read them, started together with the others. */
  private static Callable<Integer> racingPass(
      ExpiryPass pass, EnvironmentRepository repository, List<UUID> ids, CountDownLatch start) {
    return () -> {
      List<Environment> rows = repository.findAllById(ids);
      Instant listedAt = Instant.now();
      start.await();
      return pass.run(rows, listedAt);
    };
  }

  private static double expired(MeterRegistry registry) {
    return registry.counter("envkeeper.environments.expired", "reason", "ttl").count();
  }

  private String status(UUID id) {
    return api().get(BASE + "/" + id).json().get("status").asString();
  }
}
