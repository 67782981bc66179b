package io.envkeeper.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TeardownRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DestroyIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired TeardownRecorder teardowns;

  @Test
  void twentyConcurrentDestroysRunExactlyOneTeardown() throws Exception {
    UUID id = createManaged();

    List<Response> answers = concurrently(20, () -> api().delete(BASE + "/" + id));

    assertThat(answers).extracting(Response::status).allMatch(status -> status == 200 || status == 202);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> api().get(BASE + "/" + id).json().get("status").asString().equals("DESTROYED"));
    assertThat(teardowns.teardowns(id)).isEqualTo(1);
    assertThat(api().get(BASE + "/" + id).json().get("destroyAttempts").asInt()).isEqualTo(1);
  }

  @Test
  void twentyConcurrentCreatesOnOnePathYieldOneEnvironment() throws Exception {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("contended-" + UUID.randomUUID()));
    String body = "{\"name\":\"c\",\"path\":" + ApiClient.quote(project.toString()) + "}";

    List<Response> answers = concurrently(20, () -> api().post(BASE, body));

    assertThat(answers).extracting(Response::status).filteredOn(status -> status == 201).hasSize(1);
    assertThat(answers).extracting(Response::status).filteredOn(status -> status != 201).containsOnly(409);
    answers.stream().filter(a -> a.status() == 409).forEach(a -> assertThat(a.code()).isEqualTo("path_in_use"));
    String id = answers.stream().filter(a -> a.status() == 201).findFirst().orElseThrow().json().get("id").asString();
    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }

  @Test
  void failedTeardownStaysDestroyingWithTheErrorAndIsRetriedByALaterDestroy() {
    UUID id = createManaged();
    Path workspace = Path.of(api().get(BASE + "/" + id).json().get("path").asString());
    teardowns.failFor(id);

    Response first = api().delete(BASE + "/" + id + "?wait=PT10S");

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.json().get("status").asString()).isEqualTo("DESTROYING");
    assertThat(first.json().get("destroyAttempts").asInt()).isEqualTo(1);
    assertThat(first.json().get("lastError").asString()).contains("teardown made to fail");
    assertThat(workspace).exists();
    Response poll = api().get(BASE + "/" + id + "/workspace");
    assertThat(poll.status()).isEqualTo(410);

    teardowns.stopFailingFor(id);
    Response retried = api().delete(BASE + "/" + id + "?wait=PT10S");

    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().get("destroyAttempts").asInt()).isEqualTo(2);
    assertThat(retried.json().get("lastError").isNull()).isTrue();
    assertThat(workspace).doesNotExist();
  }

  /** A recursive delete of a very deep tree threw StackOverflowError: it went unrecorded. */
  @Test
  void anErrorThrownByATeardownStepIsRecordedAndTheEnvironmentStaysDestroying() {
    UUID id = createManaged();
    teardowns.errFor(id);
    try {
      Response first = api().delete(BASE + "/" + id + "?wait=PT10S");

      assertThat(first.status()).isEqualTo(202);
      assertThat(first.json().get("status").asString()).isEqualTo("DESTROYING");
      assertThat(first.json().get("destroyAttempts").asInt()).isEqualTo(1);
      assertThat(first.json().get("lastError").asString())
          .contains("StackOverflowError")
          .contains("teardown made to overflow");
    } finally {
      teardowns.stopFailingFor(id);
    }
    Response retried = api().delete(BASE + "/" + id + "?wait=PT10S");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().get("destroyAttempts").asInt()).isEqualTo(2);
  }

  @Test
  void destroyOfAManagedWorkspaceDeletesLinksNotTheirTargets() throws IOException {
    Path precious = Files.createDirectory(OUTSIDE.resolve("precious-" + UUID.randomUUID()));
    Files.writeString(precious.resolve("keep.txt"), "keep");
    UUID id = createManaged();
    Path workspace = Path.of(api().get(BASE + "/" + id).json().get("path").asString());
    Files.createSymbolicLink(workspace.resolve("link-out"), precious);
    Files.createDirectories(workspace.resolve("src/main"));
    Files.writeString(workspace.resolve("src/main/App.java"), "class App {}");

    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);

    assertThat(workspace).doesNotExist();
    assertThat(precious.resolve("keep.txt")).hasContent("keep");
  }

  private UUID createManaged() {
    Response created = api().post(BASE, "{\"name\":\"d\"}");
    assertThat(created.status()).isEqualTo(201);
    return UUID.fromString(created.json().get("id").asString());
  }

  private static <T> List<T> concurrently(int count, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          return call.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
