package io.envkeeper.api;

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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Environments belong to the tenant that created them. Another tenant gets {@code 404
 * environment_not_found} for every verb on the environment and everything under it, exactly as for
 * an id that does not exist; admins see and act on all.
 */
class TenantIsolationIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;

  private ApiClient tenantA() {
    return api().as(TestTokens.CLIENT_A);
  }

  private ApiClient tenantB() {
    return api().as(TestTokens.CLIENT_B);
  }

  /**
   * Every call on one environment: the environment itself and its sub-resources (those that exist
   * and those still to come; the guard covers them all).
   */
  static Stream<Arguments> callsOnOneEnvironment() {
    return Stream.of(
        Arguments.of("GET", "", null),
        Arguments.of("DELETE", "", null),
        Arguments.of("DELETE", "?wait=PT1S", null),
        Arguments.of("GET", "/workspace", null),
        Arguments.of("GET", "/workspace?since=0", null),
        Arguments.of("GET", "/events", null),
        Arguments.of("GET", "/workers", null),
        Arguments.of("POST", "/workers", "{\"profile\":\"x\"}"),
        Arguments.of("GET", "/workers/" + UUID.randomUUID(), null),
        Arguments.of("DELETE", "/workers/" + UUID.randomUUID(), null),
        Arguments.of("GET", "/workers/" + UUID.randomUUID() + "/log?tail=10", null),
        Arguments.of("PATCH", "", "{\"ttl\":\"PT1H\"}"),
        Arguments.of("GET", "/activity", null),
        Arguments.of("POST", "/keepalive", null),
        Arguments.of("PATCH", "/anything", "{}"));
  }

  @ParameterizedTest(name = "{0} ID{1}")
  @MethodSource("callsOnOneEnvironment")
  void anotherTenantsReadyEnvironmentIsNotFound(String method, String suffix, String body) {
    String id = create(tenantA(), "owned-by-a");
    UUID unknown = UUID.randomUUID();

    Response foreign = tenantB().request(method, BASE + "/" + id + suffix, body);
    Response missing = tenantB().request(method, BASE + "/" + unknown + suffix, body);

    assertProblem(foreign, 404, "environment_not_found");
    assertThat(foreign.json().get("detail").asString()).isEqualTo(missing.json().get("detail").asString().replace(unknown.toString(), id));
    assertThat(status(id)).isEqualTo("READY");
    destroy(tenantA(), id);
  }

  @ParameterizedTest(name = "{0} ID{1}")
  @MethodSource("callsOnOneEnvironment")
  void anotherTenantsTombstoneIsNotFoundNotGone(String method, String suffix, String body) {
    String id = create(tenantA(), "tombstone-of-a");
    destroy(tenantA(), id);

    assertProblem(tenantB().request(method, BASE + "/" + id + suffix, body), 404, "environment_not_found");
  }

  @Test
  void anUnsupportedVerbAnswersTheSameForAnotherTenantsIdAsForAnUnknownOne() {
    String id = create(tenantA(), "put-target");

    Response foreign = tenantB().request("PUT", BASE + "/" + id, "{\"name\":\"x\"}");
    Response unknown = tenantB().request("PUT", BASE + "/" + UUID.randomUUID(), "{\"name\":\"x\"}");

    assertProblem(foreign, 405, "method_not_allowed");
    assertThat(unknown.status()).isEqualTo(405);
    assertThat(foreign.json().get("detail")).isEqualTo(unknown.json().get("detail"));
    destroy(tenantA(), id);
  }

  @Test
  void ownerAndAdminReachTheEnvironment() {
    String id = create(tenantA(), "reachable");

    assertThat(tenantA().get(BASE + "/" + id).status()).isEqualTo(200);
    assertThat(api().get(BASE + "/" + id).status()).isEqualTo(200);
    assertThat(api().get(BASE + "/" + id).json().get("tenant").asString()).isEqualTo(TestTokens.TENANT_A);
    Response destroyedByAdmin = api().delete(BASE + "/" + id + "?wait=PT10S");
    assertThat(destroyedByAdmin.status()).isEqualTo(200);
    assertProblem(tenantA().get(BASE + "/" + id + "/workspace"), 410, "environment_destroyed");
  }

  @Test
  void listShowsOnlyOnesOwnAndAdminsSeeAll() {
    String label = "iso-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ofA = new ArrayList<>();
    List<String> ofB = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ofA.add(create(tenantA(), "a" + i, label));
      ofB.add(create(tenantB(), "b" + i, label));
    }

    assertThat(allIds(tenantA(), label)).containsExactlyElementsOf(ofA);
    assertThat(allIds(tenantB(), label)).containsExactlyElementsOf(ofB);
    assertThat(allIds(api(), label)).containsExactlyInAnyOrderElementsOf(concat(ofA, ofB));
    assertThat(tenantA().get(BASE + "?status=READY&limit=500").body()).doesNotContain(ofB.get(0));
    ofA.forEach(id -> destroy(tenantA(), id));
    ofB.forEach(id -> destroy(tenantB(), id));
  }

  @Test
  void aCursorFromAnotherTenantsListStillShowsOnlyOnesOwn() {
    String label = "cur-" + UUID.randomUUID().toString().substring(0, 8);
    String b1 = create(tenantB(), "b1", label);
    create(tenantB(), "b2", label);
    String cursor = tenantB().get(BASE + "?label=lbl:" + label + "&limit=1").json().get("nextCursor").asString();

    Response page = tenantA().get(BASE + "?label=lbl:" + label + "&cursor=" + cursor);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().get("items").size()).isZero();
    assertThat(page.body()).doesNotContain(b1);
  }

  @Test
  void idempotencyKeysAreScopedPerTenant() {
    String key = "shared-key-" + UUID.randomUUID();
    Map<String, String> header = Map.of("Idempotency-Key", key);

    Response first = tenantA().post(BASE, "{\"name\":\"idem-a\"}", header);
    Response sameBodyOtherTenant = tenantB().post(BASE, "{\"name\":\"idem-a\"}", header);
    Response otherBodyOtherTenant = tenantB().post(BASE, "{\"name\":\"idem-b\"}", Map.of("Idempotency-Key", key + "-2"));
    Response replayB = tenantB().post(BASE, "{\"name\":\"idem-a\"}", header);

    assertThat(first.status()).isEqualTo(201);
    assertThat(sameBodyOtherTenant.status()).isEqualTo(201);
    String idA = first.json().get("id").asString();
    String idB = sameBodyOtherTenant.json().get("id").asString();
    assertThat(idB).isNotEqualTo(idA);
    assertThat(sameBodyOtherTenant.json().get("tenant").asString()).isEqualTo(TestTokens.TENANT_B);
    assertThat(replayB.json().get("id").asString()).isEqualTo(idB);
    assertThat(tenantA().post(BASE, "{\"name\":\"other\"}", header).code()).isEqualTo("idempotency_key_reused");
    assertThat(tenantB().post(BASE, "{\"name\":\"idem-a\"}", header).json().get("id").asString()).isEqualTo(idB);
    destroy(tenantA(), idA);
    destroy(tenantB(), idB);
    destroy(tenantB(), otherBodyOtherTenant.json().get("id").asString());
  }

  @Test
  void aPathInUseByAnotherTenantIsAConflictWithoutNamingTheOwner() throws IOException {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("contested-" + UUID.randomUUID()));
    String body = "{\"name\":\"p\",\"path\":" + ApiClient.quote(project.toString()) + "}";
    String id = tenantA().post(BASE, body).json().get("id").asString();

    Response conflict = tenantB().post(BASE, body);

    assertProblem(conflict, 409, "path_in_use");
    assertThat(conflict.body()).doesNotContain(id).doesNotContain(TestTokens.TENANT_A);
    destroy(tenantA(), id);
  }

  @Test
  void environmentsBelongToTheCreatingTenantInTheDatabase() {
    String id = create(tenantB(), "stored");

    assertThat(jdbc.queryForObject("SELECT tenant FROM environment WHERE id = ?::uuid", String.class, id))
        .isEqualTo(TestTokens.TENANT_B);
    destroy(tenantB(), id);
  }

  private String create(ApiClient client, String name) {
    return create(client, name, "none");
  }

  private String create(ApiClient client, String name, String label) {
    Response created = client.post(BASE, "{\"name\":\"" + name + "\",\"labels\":{\"lbl\":\"" + label + "\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private static void destroy(ApiClient client, String id) {
    assertThat(client.delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }

  private String status(String id) {
    return jdbc.queryForObject("SELECT status FROM environment WHERE id = ?::uuid", String.class, id);
  }

  private static List<String> allIds(ApiClient client, String label) {
    Response page = client.get(BASE + "?limit=500&label=lbl:" + label);
    assertThat(page.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    page.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
    return ids;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
