package io.envkeeper.security;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/** With a separate management port (as the Helm chart may set), the actuator there needs no token. */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortIntegrationTests extends IntegrationTest {

  @LocalManagementPort int managementPort;

  @Test
  void managementPortServesMetricsAndFullHealthWithoutAToken() {
    ApiClient management = new ApiClient(managementPort).anonymous();

    assertThat(management.get("/actuator/prometheus").status()).isEqualTo(200);
    Response health = management.get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("components").get("db").get("status").asString()).isEqualTo("UP");
    assertThat(management.get("/actuator/health/liveness").status()).isEqualTo(200);
  }

  @Test
  void serverPortStillNeedsATokenForTheApi() {
    assertThat(managementPort).isNotEqualTo(port);
    assertProblem(api().anonymous().get("/api/v1/environments"), 401, "unauthorized");
    assertThat(api().as(TestTokens.CLIENT_A).get("/api/v1/environments").status()).isEqualTo(200);
    assertThat(api().anonymous().get("/actuator/prometheus").status()).isNotEqualTo(200);
  }

  /** The API is not served on the management port at all. */
  @Test
  void managementPortDoesNotServeTheApi() {
    Response response = new ApiClient(managementPort).anonymous().get("/api/v1/environments");
    assertThat(response.status()).isEqualTo(404);
  }
}
