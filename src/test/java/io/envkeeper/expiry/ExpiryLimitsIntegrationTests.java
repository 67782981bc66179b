package io.envkeeper.expiry;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The configured defaults and caps: applied to every environment, refused above, never removable. */
@TestPropertySource(properties = {
  "envkeeper.environments.default-ttl=PT2H",
  "envkeeper.environments.max-ttl=PT8H",
  "envkeeper.environments.max-idle-timeout=PT1H"
})
class ExpiryLimitsIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Test
  void createWithoutValuesGetsTheDefaultTtlAndTheIdleTimeoutCap() {
    JsonNode created = api().post(BASE, "{\"name\":\"defaults\"}").json();

    Instant createdAt = Instant.parse(created.get("createdAt").asString());
    assertThat(Instant.parse(created.get("expiresAt").asString())).isEqualTo(createdAt.plus(Duration.ofHours(2)));
    assertThat(created.get("idleTimeout").asString()).isEqualTo("PT1H");
    assertThat(created.get("lastActivityAt").asString()).isEqualTo(created.get("createdAt").asString());
    assertThat(created.get("destroyReason").isNull()).isTrue();
    destroy(created.get("id").asString());
  }

  @Test
  void valuesAboveTheCapsAreRefusedAndCreateNothing() {
    String marker = "capped-" + UUID.randomUUID().toString().substring(0, 8);
    String labels = ",\"labels\":{\"m\":\"" + marker + "\"}";

    assertProblem(api().post(BASE, "{\"name\":\"a\",\"ttl\":\"PT8H1S\"" + labels + "}"), 400, "ttl_above_max");
    assertProblem(api().post(BASE, "{\"name\":\"a\",\"idleTimeout\":\"PT2H\"" + labels + "}"), 400, "idle_timeout_above_max");

    assertThat(api().get(BASE + "?label=m:" + marker).json().get("items").size()).isZero();
    Response atTheCap = api().post(BASE, "{\"name\":\"a\",\"ttl\":\"PT8H\",\"idleTimeout\":\"PT1H\"}");
    assertThat(atTheCap.status()).isEqualTo(201);
    destroy(atTheCap.json().get("id").asString());
  }

  @Test
  void patchCannotExceedOrRemoveTheCapsAndChangesNothing() {
    JsonNode before = api().post(BASE, "{\"name\":\"patched\"}").json();
    String id = before.get("id").asString();

    assertProblem(api().request("PATCH", BASE + "/" + id, "{\"ttl\":\"PT9H\"}"), 400, "ttl_above_max");
    assertProblem(api().request("PATCH", BASE + "/" + id, "{\"ttl\":null}"), 400, "ttl_above_max");
    assertProblem(api().request("PATCH", BASE + "/" + id, "{\"idleTimeout\":null}"), 400, "idle_timeout_above_max");
    assertProblem(api().request("PATCH", BASE + "/" + id, "{\"idleTimeout\":\"PT61M\",\"labels\":{\"a\":\"b\"}}"), 400,
        "idle_timeout_above_max");

    JsonNode after = api().get(BASE + "/" + id).json();
    assertThat(after.get("version")).isEqualTo(before.get("version"));
    assertThat(after.get("expiresAt")).isEqualTo(before.get("expiresAt"));
    assertThat(after.get("idleTimeout")).isEqualTo(before.get("idleTimeout"));
    assertThat(after.get("labels").size()).isZero();
    destroy(id);
  }

  private void destroy(String id) {
    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }
}
