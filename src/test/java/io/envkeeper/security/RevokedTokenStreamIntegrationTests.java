package io.envkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestTokens;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A revoked token loses its open event streams within seconds, not only its next request: at once
 * when it is revoked through this service, and at the next re-validation when the revocation
 * happened elsewhere (another node, or straight in the database). Other tokens' streams go on.
 */
@TestPropertySource(
    properties = {"envkeeper.watch.heartbeat=100ms", "envkeeper.security.stream-revalidation-interval=300ms"})
class RevokedTokenStreamIntegrationTests extends IntegrationTest {

  private static final String TOKENS = "/api/v1/admin/tokens";
  private static final String ENVIRONMENTS = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;
  @Autowired OpenStreams openStreams;

  @Test
  void revokingATokenEndsItsOpenStreams() {
    Response issued = api().post(TOKENS, "{\"tenant\":\"" + TestTokens.TENANT_A + "\",\"role\":\"client\"}");
    String token = issued.json().get("token").asString();
    String environment = create(api().as(token));
    int registeredBefore = openStreams.size();
    try (EventStreamClient revoked = connect(environment, token);
        EventStreamClient other = connect(environment, TestTokens.CLIENT_A)) {

      assertThat(api().delete(TOKENS + "/" + issued.json().get("id").asString()).status()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(revoked::ended);
      int heartbeats = other.named("comment").size();
      await().atMost(Duration.ofSeconds(5)).until(() -> other.named("comment").size() > heartbeats + 2);
      assertThat(other.ended()).isFalse();
    }
    // Streams that end by themselves leave the registry too.
    await().atMost(Duration.ofSeconds(5)).until(() -> openStreams.size() == registeredBefore);
    destroy(environment);
  }

  @Test
  void aRevocationRecordedElsewhereEndsTheStreamsAtTheNextRevalidation() {
    Response issued = api().post(TOKENS, "{\"tenant\":\"" + TestTokens.TENANT_A + "\",\"role\":\"client\"}");
    String token = issued.json().get("token").asString();
    String environment = create(api().as(token));
    try (EventStreamClient stream = connect(environment, token)) {

      // As another node would: the row changes, this service is told nothing.
      jdbc.update("UPDATE client_token SET revoked_at = now() WHERE id = ?::uuid", issued.json().get("id").asString());

      await().atMost(Duration.ofSeconds(5)).until(stream::ended);
    }
    destroy(environment);
  }

  private EventStreamClient connect(String environment, String token) {
    EventStreamClient stream = EventStreamClient.connect(
        api().uri(ENVIRONMENTS + "/" + environment + "/events"), null, Map.of("Authorization", "Bearer " + token));
    assertThat(stream.ended()).isFalse();
    return stream;
  }

  private String create(ApiClient client) {
    Response created = client.post(ENVIRONMENTS, "{\"name\":\"streamed\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void destroy(String environment) {
    assertThat(api().delete(ENVIRONMENTS + "/" + environment + "?wait=PT30S").status()).isEqualTo(200);
  }
}
