package io.envkeeper.security;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Limits set low in this context only: three live environments per tenant, one request per second
 * per token after a burst of 40. Every test works with tokens issued for it, so buckets and tenants
 * start fresh.
 */
@TestPropertySource(properties = {
  "envkeeper.limits.max-environments-per-tenant=3",
  "envkeeper.limits.requests-per-second=1",
  "envkeeper.limits.burst=40"
})
class LimitsIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;

  @Test
  void createBeyondTheTenantLimitIsAConflictAndCreatesNothing() throws IOException {
    ApiClient client = freshClient();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(client, "within-" + i));
    }
    long rows = rows();
    long directories = managedDirectories();

    Response refused = client.post(BASE, "{\"name\":\"beyond\"}");

    assertProblem(refused, 409, "environment_limit_reached");
    assertThat(rows()).isEqualTo(rows);
    assertThat(managedDirectories()).isEqualTo(directories);
    assertThat(create(freshClient(), "other-tenant")).isNotNull();
    assertThat(client.delete(BASE + "/" + ids.get(0) + "?wait=PT10S").status()).isEqualTo(200);
    ids.set(0, create(client, "after-destroy"));
    ids.forEach(id -> client.delete(BASE + "/" + id + "?wait=PT10S"));
  }

  @Test
  void idempotentRetryStillAnswersAtTheLimit() {
    ApiClient client = freshClient();
    Map<String, String> key = Map.of("Idempotency-Key", "limit-" + UUID.randomUUID());
    String first = client.post(BASE, "{\"name\":\"keyed\"}", key).json().get("id").asString();
    create(client, "second");
    create(client, "third");

    Response retry = client.post(BASE, "{\"name\":\"keyed\"}", key);

    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json().get("id").asString()).isEqualTo(first);
  }

  @Test
  void concurrentCreatesNeverPassTheLimit() throws Exception {
    ApiClient client = freshClient();

    List<Response> answers = concurrently(12, () -> client.post(BASE, "{\"name\":\"racer\"}"));

    assertThat(answers).extracting(Response::status).containsOnly(201, 409);
    assertThat(answers).filteredOn(answer -> answer.status() == 201).hasSize(3);
  }

  @Test
  void tooManyRequestsForOneTokenAreRefusedWithRetryAfterWhileOtherTokensGoOn() {
    ApiClient busy = freshClient();
    ApiClient other = freshClient();

    Response refused = null;
    for (int i = 0; i < 60 && refused == null; i++) {
      Response response = busy.get(BASE);
      if (response.status() == 429) {
        refused = response;
      } else {
        assertThat(response.status()).isEqualTo(200);
      }
    }

    assertThat(refused).as("no 429 within 60 requests").isNotNull();
    assertProblem(refused, 429, "rate_limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 2L);
    assertThat(other.get(BASE).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> busy.get(BASE).status() == 200);
  }

  @Test
  void probesAreNeverRateLimited() {
    ApiClient anonymous = api().anonymous();
    for (int i = 0; i < 60; i++) {
      assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
    }
  }

  /** A client token of a tenant of its own, issued for this test. */
  private ApiClient freshClient() {
    String tenant = "limits-" + UUID.randomUUID().toString().substring(0, 8);
    Response issued = api().post("/api/v1/admin/tokens", "{\"tenant\":\"" + tenant + "\",\"role\":\"client\"}");
    assertThat(issued.status()).isEqualTo(201);
    return api().as(issued.json().get("token").asString());
  }

  private static String create(ApiClient client, String name) {
    Response created = client.post(BASE, "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private long rows() {
    return jdbc.queryForObject("SELECT count(*) FROM environment", Long.class);
  }

  private static long managedDirectories() throws IOException {
    try (Stream<Path> entries = Files.list(MANAGED_ROOT)) {
      return entries.count();
    }
  }

  private static List<Response> concurrently(int count, Callable<Response> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(call));
      }
      List<Response> answers = new ArrayList<>();
      for (Future<Response> future : futures) {
        answers.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
