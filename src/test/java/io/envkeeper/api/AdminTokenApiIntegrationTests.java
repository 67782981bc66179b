package io.envkeeper.api;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.security.TokenHash;
import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
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
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/admin/tokens}: issue (shown once), list (no secrets), revoke (next request refused). */
class AdminTokenApiIntegrationTests extends IntegrationTest {

  private static final String TOKENS = "/api/v1/admin/tokens";
  private static final String ENVIRONMENTS = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;

  @Test
  void issuedTokenIsShownOnceAndOnlyItsHashIsStored() {
    Response issued = api().post(TOKENS, "{\"tenant\":\"issued\",\"role\":\"client\",\"name\":\"ci runner\"}");

    assertThat(issued.status()).isEqualTo(201);
    JsonNode body = issued.json();
    String id = body.get("id").asString();
    String token = body.get("token").asString();
    assertThat(issued.header("Location")).isEqualTo(TOKENS + "/" + id);
    assertThat(token).matches("ek_[A-Za-z0-9_-]{43}");
    assertThat(body.get("tenant").asString()).isEqualTo("issued");
    assertThat(body.get("role").asString()).isEqualTo("client");
    assertThat(body.get("name").asString()).isEqualTo("ci runner");
    Map<String, Object> row = jdbc.queryForMap("SELECT * FROM client_token WHERE id = ?::uuid", id);
    assertThat(row.get("token_hash")).isEqualTo(TokenHash.of(token));
    assertThat(row.values()).noneMatch(value -> String.valueOf(value).contains(token.substring(3)));

    String listing = api().get(TOKENS).body();
    assertThat(listing).contains(id).doesNotContain(token).doesNotContain(token.substring(3))
        .doesNotContain(TokenHash.of(token)).doesNotContain("sha256");
  }

  @Test
  void issuedTokenActsForItsTenantAndRole() {
    ApiClient client = api().as(issue("issued-client", "client"));
    ApiClient admin = api().as(issue("issued-admin", "admin"));

    Response created = client.post(ENVIRONMENTS, "{\"name\":\"by-issued\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("tenant").asString()).isEqualTo("issued-client");
    assertThat(client.get(TOKENS).status()).isEqualTo(403);
    assertThat(admin.get(TOKENS).status()).isEqualTo(200);
    assertThat(admin.get(ENVIRONMENTS + "/" + created.json().get("id").asString()).status()).isEqualTo(200);
    assertThat(client.delete(ENVIRONMENTS + "/" + created.json().get("id").asString() + "?wait=PT10S").status())
        .isEqualTo(200);
  }

  @Test
  void revokedTokenIsRefusedOnTheVeryNextRequest() {
    Response issued = api().post(TOKENS, "{\"tenant\":\"revoked\",\"role\":\"admin\"}");
    String id = issued.json().get("id").asString();
    ApiClient holder = api().as(issued.json().get("token").asString());
    assertThat(holder.get(ENVIRONMENTS).status()).isEqualTo(200);

    Response revoked = holder.delete(TOKENS + "/" + id); // revoking itself is allowed

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
    Response next = holder.get(ENVIRONMENTS);
    assertProblem(next, 401, "unauthorized");
    assertThat(next.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
    Response again = api().delete(TOKENS + "/" + id);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("revokedAt")).isEqualTo(revoked.json().get("revokedAt"));
  }

  @Test
  void listShowsEveryIssuedTokenOldestFirstWithoutSecrets() {
    String first = api().post(TOKENS, "{\"tenant\":\"listed\",\"role\":\"client\"}").json().get("id").asString();
    String second = api().post(TOKENS, "{\"tenant\":\"listed\",\"role\":\"admin\",\"name\":\"b\"}").json().get("id").asString();
    api().delete(TOKENS + "/" + first);

    JsonNode items = api().get(TOKENS).json().get("items");

    List<String> ids = items.valueStream().map(item -> item.get("id").asString()).toList();
    assertThat(ids).containsSubsequence(first, second);
    items.forEach(item -> assertThat(item.propertyNames()).containsExactlyInAnyOrder(
        "id", "name", "tenant", "role", "createdAt", "revokedAt"));
  }

  static Stream<Arguments> badIssues() {
    return Stream.of(
        Arguments.of("{}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\",\"role\":\"root\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\",\"role\":\"ADMIN\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"../etc\",\"role\":\"client\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"" + "t".repeat(64) + "\",\"role\":\"client\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\\u0000b\",\"role\":\"client\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\",\"role\":\"client\",\"name\":\"\"}", "validation_failed"),
        Arguments.of("{\"tenant\":\"a\",\"role\":\"client\",\"token\":\"mine\"}", "unknown_field"),
        Arguments.of("{\"tenant\":\"a\",\"role\":\"client\",\"hash\":\"sha256:00\"}", "unknown_field"),
        Arguments.of("{\"tenant\":1,\"role\":\"client\"}", "invalid_field"),
        Arguments.of("{\"tenant\":", "malformed_json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badIssues")
  void badIssueIsRefusedAndIssuesNothing(String body, String code) {
    long before = jdbc.queryForObject("SELECT count(*) FROM client_token", Long.class);

    assertProblem(api().post(TOKENS, body), 400, code);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM client_token", Long.class)).isEqualTo(before);
  }

  @Test
  void revokingAnUnknownOrMalformedIdIsAProblem() {
    assertProblem(api().delete(TOKENS + "/" + UUID.randomUUID()), 404, "token_not_found");
    assertProblem(api().delete(TOKENS + "/not-a-uuid"), 400, "invalid_id");
  }

  private String issue(String tenant, String role) {
    Response issued = api().post(TOKENS, "{\"tenant\":\"" + tenant + "\",\"role\":\"" + role + "\"}");
    assertThat(issued.status()).isEqualTo(201);
    return issued.json().get("token").asString();
  }
}
