package io.envkeeper.environment;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two live environments never nest, whatever their tenants: a path inside, or containing, the
 * workspace of an environment that is not DESTROYED is {@code 409 path_in_use}, also when the
 * creates race each other.
 */
class NestedWorkspaceIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Test
  void pathInsideAnotherTenantsWorkspaceIsInUse() throws IOException {
    Path outer = directory("outer");
    Path inner = Files.createDirectories(outer.resolve("src/inner"));
    String id = create(tenantA(), outer);

    Response refused = tenantB().post(BASE, body(inner));

    assertProblem(refused, 409, "path_in_use");
    assertThat(refused.body()).doesNotContain(id).doesNotContain(TestTokens.TENANT_A);
    destroy(tenantA(), id);
  }

  @Test
  void pathContainingAnotherTenantsWorkspaceIsInUse() throws IOException {
    Path outer = directory("parent");
    Path inner = Files.createDirectories(outer.resolve("child"));
    String id = create(tenantA(), inner);

    assertProblem(tenantB().post(BASE, body(outer)), 409, "path_in_use");
    assertProblem(tenantA().post(BASE, body(outer)), 409, "path_in_use");
    destroy(tenantA(), id);
  }

  @Test
  void aDestroyedWorkspaceNoLongerBlocksItsParentOrChildren() throws IOException {
    Path outer = directory("freed");
    Path inner = Files.createDirectories(outer.resolve("child"));
    String first = create(tenantA(), outer);
    destroy(tenantA(), first);

    String second = create(tenantB(), inner);
    destroy(tenantB(), second);
  }

  @Test
  void siblingsThatShareANamePrefixDoNotNest() throws IOException {
    Path base = directory("prefix");
    String a = create(tenantA(), Files.createDirectories(base.resolve("app")));
    String b = create(tenantB(), Files.createDirectories(base.resolve("app2")));
    String c = create(tenantB(), Files.createDirectories(base.resolve("app-old")));
    destroy(tenantA(), a);
    destroy(tenantB(), b);
    destroy(tenantB(), c);
  }

  /** A chain of nested paths created all at once: exactly one of them may win, every time. */
  @Test
  void concurrentCreatesOfNestedPathsLetExactlyOneWin() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 5; round++) {
        Path top = directory("race");
        List<Path> chain = new ArrayList<>();
        Path current = top;
        for (int depth = 0; depth < 6; depth++) {
          chain.add(current);
          current = Files.createDirectories(current.resolve("d" + depth));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
          ApiClient client = i % 2 == 0 ? tenantA() : tenantB();
          Path path = chain.get(i);
          answers.add(CompletableFuture.supplyAsync(() -> {
            await(start);
            return client.post(BASE, body(path));
          }, clients));
        }
        start.countDown();
        List<Response> responses = new ArrayList<>();
        for (CompletableFuture<Response> answer : answers) {
          responses.add(answer.get(60, TimeUnit.SECONDS));
        }

        List<Response> created = responses.stream().filter(response -> response.status() == 201).toList();
        assertThat(created)
            .as("round %d: statuses %s", round, responses.stream().map(Response::status).toList())
            .hasSize(1);
        responses.stream().filter(response -> response.status() != 201)
            .forEach(response -> assertProblem(response, 409, "path_in_use"));
        destroy(api(), created.get(0).json().get("id").asString());
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path directory(String purpose) throws IOException {
    return Files.createDirectory(WORKSPACE_ROOT.resolve(purpose + "-" + UUID.randomUUID()));
  }

  private static String body(Path path) {
    return "{\"name\":\"nest\",\"path\":" + ApiClient.quote(path.toString()) + "}";
  }

  private String create(ApiClient client, Path path) {
    Response created = client.post(BASE, body(path));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private static void destroy(ApiClient client, String id) {
    assertThat(client.delete(BASE + "/" + id + "?wait=PT30S").status()).isEqualTo(200);
  }

  private ApiClient tenantA() {
    return api().as(TestTokens.CLIENT_A);
  }

  private ApiClient tenantB() {
    return api().as(TestTokens.CLIENT_B);
  }
}
