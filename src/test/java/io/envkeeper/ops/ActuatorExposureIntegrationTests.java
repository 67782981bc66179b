package io.envkeeper.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Actuator on the application's own port: health, info and prometheus, and nothing else. */
class ActuatorExposureIntegrationTests extends IntegrationTest {

  @Test
  void onlyHealthInfoAndPrometheusAreLinked() {
    List<String> links = new ArrayList<>();
    api().get("/actuator").json().get("_links").propertyNames().forEach(links::add);
    assertThat(links).allSatisfy(link -> assertThat(link).matches("self|health|health-path|info|prometheus"));
    assertThat(links).contains("health", "info", "prometheus");
  }

  @ParameterizedTest
  @ValueSource(strings = {"env", "configprops", "beans", "heapdump", "threaddump", "loggers", "mappings", "shutdown"})
  void everyOtherEndpointIsAbsent(String endpoint) {
    assertThat(api().get("/actuator/" + endpoint).status()).isEqualTo(404);
  }

  @Test
  void probeGroupsAnswerWithTheirStatusOnly() {
    assertThat(api().get("/actuator/health/liveness").body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(api().get("/actuator/health/readiness").body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void prometheusCarriesTheMetricsTheAlertRulesUse() {
    assertThat(api().get("/actuator/prometheus").body())
        .contains("envkeeper_environments{")
        .contains("envkeeper_reconcile_duration_seconds_count")
        .contains("envkeeper_reconcile_oldest_destroying_age_seconds");
  }
}
