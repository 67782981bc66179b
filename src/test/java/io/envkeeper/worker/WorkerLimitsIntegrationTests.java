package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** One tenant cannot take every worker slot: per-environment and per-tenant caps of running workers. */
@TestPropertySource(properties = {
  "envkeeper.workers.profiles.idle.command=sleep,1000",
  "envkeeper.limits.max-workers-per-environment=2",
  "envkeeper.limits.max-workers-per-tenant=3"
})
class WorkerLimitsIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Test
  void environmentAndTenantCapsRefuseFurtherStartsAndFreeUpWhenWorkersStop() {
    ApiClient tenantA = api().as(TestTokens.CLIENT_A);
    ApiClient tenantB = api().as(TestTokens.CLIENT_B);
    String first = tenantA.post(BASE, "{\"name\":\"one\"}").json().get("id").asString();
    String second = tenantA.post(BASE, "{\"name\":\"two\"}").json().get("id").asString();
    String other = tenantB.post(BASE, "{\"name\":\"other\"}").json().get("id").asString();
    try {
      assertThat(start(tenantA, first).status()).isEqualTo(201);
      String stoppable = start(tenantA, first).json().get("id").asString();
      Response thirdInEnvironment = start(tenantA, first);
      assertThat(thirdInEnvironment.status()).isEqualTo(409);
      assertThat(thirdInEnvironment.code()).isEqualTo("worker_limit_reached");

      assertThat(start(tenantA, second).status()).isEqualTo(201);
      Response fourthOfTenant = start(tenantA, second);
      assertThat(fourthOfTenant.status()).isEqualTo(409);
      assertThat(fourthOfTenant.json().get("detail").asString()).contains("tenant");
      assertThat(start(tenantB, other).status()).as("another tenant is not affected").isEqualTo(201);

      tenantA.delete(BASE + "/" + first + "/workers/" + stoppable + "?wait=PT10S");

      assertThat(start(tenantA, second).status()).isEqualTo(201);
    } finally {
      tenantA.delete(BASE + "/" + first + "?wait=PT30S");
      tenantA.delete(BASE + "/" + second + "?wait=PT30S");
      tenantB.delete(BASE + "/" + other + "?wait=PT30S");
    }
  }

  private static Response start(ApiClient api, String environment) {
    return api.post(BASE + "/" + environment + "/workers", "{\"profile\":\"idle\"}");
  }
}
