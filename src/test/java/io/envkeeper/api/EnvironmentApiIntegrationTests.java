package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EnvironmentApiIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Test
  void managedEnvironmentIsCreatedWithAnOwnerOnlyDirectoryAndRemovedOnDestroy() throws IOException {
    Response created = api().post(BASE, "{\"name\":\"web-app\",\"labels\":{\"team\":\"a\"}}");

    assertThat(created.status()).isEqualTo(201);
    JsonNode body = created.json();
    String id = body.get("id").asString();
    assertThat(created.header("Location")).isEqualTo(BASE + "/" + id);
    assertThat(body.get("status").asString()).isEqualTo("READY");
    assertThat(body.get("managed").asBoolean()).isTrue();
    assertThat(body.get("labels").get("team").asString()).isEqualTo("a");
    assertThat(body.get("version").asLong()).isZero();
    assertThat(body.get("destroyAttempts").asInt()).isZero();
    assertThat(body.get("destroyedAt").isNull()).isTrue();
    Path workspace = Path.of(body.get("path").asString());
    assertThat(workspace.getParent()).isEqualTo(MANAGED_ROOT);
    assertThat(workspace.getFileName().toString()).isEqualTo(id);
    assertThat(Files.getPosixFilePermissions(workspace)).hasSize(3);

    Response destroyed = api().delete(BASE + "/" + id + "?wait=PT10S");

    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(destroyed.json().get("status").asString()).isEqualTo("DESTROYED");
    assertThat(destroyed.json().get("destroyAttempts").asInt()).isEqualTo(1);
    assertThat(workspace).doesNotExist();
  }

  @Test
  void unmanagedEnvironmentKeepsItsDirectoryOnDestroy() throws IOException {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("project-" + UUID.randomUUID()));
    Files.writeString(project.resolve("README"), "mine");

    Response created = api().post(BASE, "{\"name\":\"p\",\"path\":" + ApiClient.quote(project.toString()) + "}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("managed").asBoolean()).isFalse();
    assertThat(created.json().get("path").asString()).isEqualTo(project.toString());
    String id = created.json().get("id").asString();
    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
    assertThat(project.resolve("README")).hasContent("mine");
  }

  @Test
  void pathGivenThroughASymlinkIsStoredAsItsRealPath() throws IOException {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("real-" + UUID.randomUUID()));
    Path link = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("link-" + UUID.randomUUID()), project);

    Response created = api().post(BASE, "{\"name\":\"p\",\"path\":" + ApiClient.quote(link.toString()) + "}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("path").asString()).isEqualTo(project.toString());
    destroy(created.json().get("id").asString());
  }

  @Test
  void secondLiveEnvironmentOnTheSamePathIsAConflictUntilTheFirstIsDestroyed() throws IOException {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("shared-" + UUID.randomUUID()));
    String body = "{\"name\":\"p\",\"path\":" + ApiClient.quote(project.toString()) + "}";
    String first = api().post(BASE, body).json().get("id").asString();

    Response second = api().post(BASE, body);

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.code()).isEqualTo("path_in_use");
    destroy(first);
    Response afterDestroy = api().post(BASE, body);
    assertThat(afterDestroy.status()).isEqualTo(201);
    destroy(afterDestroy.json().get("id").asString());
  }

  @Test
  void getAnswersInEveryStatusIncludingDestroyed() {
    String id = createManaged("tombstone");
    destroy(id);

    Response response = api().get(BASE + "/" + id);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("status").asString()).isEqualTo("DESTROYED");
    assertThat(response.json().get("destroyedAt").isNull()).isFalse();
  }

  @Test
  void repeatDestroyIsIdempotent() {
    String id = createManaged("twice");
    destroy(id);

    Response again = api().delete(BASE + "/" + id);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("status").asString()).isEqualTo("DESTROYED");
    assertThat(again.json().get("destroyAttempts").asInt()).isEqualTo(1);
  }

  @Test
  void destroyWithoutWaitAnswersAcceptedOrDone() {
    String id = createManaged("nowait");

    Response response = api().delete(BASE + "/" + id);

    assertThat(response.status()).isIn(200, 202);
    assertThat(response.json().get("status").asString()).isIn("DESTROYING", "DESTROYED");
    assertThat(response.json().get("destroyRequestedAt").isNull()).isFalse();
  }

  @Test
  void destroyedEnvironmentAnswersGoneUnderItsSubresources() {
    String id = createManaged("gone");
    destroy(id);

    for (String sub : List.of("/workspace", "/events", "/workers", "/anything/else")) {
      Response response = api().get(BASE + "/" + id + sub);
      assertThat(response.status()).as(sub).isEqualTo(410);
      assertThat(response.code()).isEqualTo("environment_destroyed");
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
    Response post = api().post(BASE + "/" + id + "/workers", "{\"profile\":\"x\"}");
    assertThat(post.status()).isEqualTo(410);
  }

  @Test
  void unknownEnvironmentIsNotFoundEverywhere() {
    String id = UUID.randomUUID().toString();
    for (Response response :
        List.of(api().get(BASE + "/" + id), api().delete(BASE + "/" + id), api().get(BASE + "/" + id + "/workspace"))) {
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.code()).isEqualTo("environment_not_found");
    }
  }

  @Test
  void idempotencyKeyReplaysTheFirstResult() {
    String key = "key-" + UUID.randomUUID();
    String label = UUID.randomUUID().toString();
    String body = "{\"name\":\"idem\",\"labels\":{\"k\":\"" + label + "\"}}";

    Response first = api().post(BASE, body, Map.of("Idempotency-Key", key));
    Response retry = api().post(BASE, body, Map.of("Idempotency-Key", key));
    Response otherBody = api().post(BASE, "{\"name\":\"other\"}", Map.of("Idempotency-Key", key));

    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
    assertThat(otherBody.status()).isEqualTo(422);
    assertThat(otherBody.code()).isEqualTo("idempotency_key_reused");
    assertThat(ids(api().get(BASE + "?label=k:" + label))).containsExactly(first.json().get("id").asString());
    destroy(first.json().get("id").asString());
  }

  @Test
  void listPagesInCreationOrderWithStatusAndLabelFilters() {
    String team = "t" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(api().post(BASE, "{\"name\":\"l" + i + "\",\"labels\":{\"team\":\"" + team + "\",\"n\":\"" + i + "\"}}")
          .json().get("id").asString());
    }
    destroy(ids.get(1));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Response page = api().get(BASE + "?label=team:" + team + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.json().get("items").forEach(item -> seen.add(item.get("id").asString()));
      JsonNode next = page.json().get("nextCursor");
      cursor = next.isNull() ? null : next.asString();
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(seen).containsExactlyElementsOf(ids);
    assertThat(pages).isEqualTo(3);
    assertThat(ids(api().get(BASE + "?label=team:" + team + "&status=DESTROYED")))
        .containsExactly(ids.get(1));
    assertThat(ids(api().get(BASE + "?label=team:" + team + "&label=n:3"))).containsExactly(ids.get(3));
    assertThat(ids(api().get(BASE + "?label=team:" + team + "&status=READY"))).hasSize(4).doesNotContain(ids.get(1));
    ids.forEach(this::destroy);
  }

  @Test
  void listDefaultsToFiftyItems() {
    Response response = api().get(BASE);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("items").size()).isLessThanOrEqualTo(50);
    assertThat(response.json().has("nextCursor")).isTrue();
  }

  @Test
  void openApiDocumentDescribesTheEnvironmentEndpoints() {
    Response docs = api().get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.json().get("paths");
    assertThat(paths.has(BASE)).isTrue();
    assertThat(paths.has(BASE + "/{id}")).isTrue();
    assertThat(api().get("/swagger-ui/index.html").status()).isEqualTo(200);
  }

  @Test
  void actuatorShowsDatabaseHealthProbesAndEnvironmentMetrics() {
    JsonNode health = api().get("/actuator/health").json();
    assertThat(health.get("components").get("db").get("status").asString()).isEqualTo("UP");
    assertThat(api().get("/actuator/health/liveness").status()).isEqualTo(200);
    assertThat(api().get("/actuator/health/readiness").status()).isEqualTo(200);
    String metrics = api().get("/actuator/prometheus").body();
    assertThat(metrics).contains("envkeeper_environments{status=\"READY\"}")
        .contains("envkeeper_environments{status=\"DESTROYED\"}");
  }

  private String createManaged(String name) {
    Response created = api().post(BASE, "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void destroy(String id) {
    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }

  private static List<String> ids(Response page) {
    List<String> ids = new ArrayList<>();
    page.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
    return ids;
  }
}
