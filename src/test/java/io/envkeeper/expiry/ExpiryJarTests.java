package io.envkeeper.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service with expiry durations of seconds and its real clock: an idle environment
 * expires once nothing keeps it alive any more, a TTL expires whatever the activity, announced
 * first on the event stream.
 */
class ExpiryJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-expiry");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void environmentsExpireByIdleTimeoutAndTtlInTheRealService() {
    try (ServiceProcess service = ServiceProcess.start(sandbox.home(), arguments())) {
      ApiClient api = service.api();
      String streamed = create(api, "{\"name\":\"streamed\",\"idleTimeout\":\"PT4S\"}");
      String working = create(api, "{\"name\":\"working\",\"idleTimeout\":\"PT4S\"}");
      String leased = create(api, "{\"name\":\"leased\",\"ttl\":\"PT5S\"}");
      JsonNode worker = api.post(BASE + "/" + working + "/workers", "{\"profile\":\"sleeper\"}").json();
      sandbox.track(worker.get("pid").asInt());

      try (EventStreamClient idleStream = events(api, streamed); EventStreamClient ttlStream = events(api, leased)) {
        await().atMost(WAIT).until(() -> keptAliveBy(api, streamed).equals("[\"stream\"]"));
        await().atMost(WAIT).until(() -> keptAliveBy(api, working).startsWith("[\"worker:"));

        // The TTL comes whatever the activity: announced, then carried out.
        JsonNode expiring = ApiClient.parse(ttlStream.awaitEvent(WAIT, e -> e.name().equals("expiring")).data());
        assertThat(expiring.get("reason").asString()).isEqualTo("ttl");
        assertThat(Instant.parse(expiring.get("destroyAt").asString()))
            .isEqualTo(Instant.parse(env(api, leased).get("expiresAt").asString()));
        ttlStream.awaitEvent(WAIT, e -> e.name().equals("destroyed"));
        assertThat(env(api, leased).get("destroyReason").asString()).isEqualTo("ttl");

        // Twice their idle timeout later, the stream and the worker still hold theirs.
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(() ->
            status(api, streamed).equals("READY") && status(api, working).equals("READY"));
        assertThat(idleStream.named("expiring")).isEmpty();
      }

      await().atMost(WAIT).until(() -> status(api, streamed).equals("DESTROYED"));
      assertThat(env(api, streamed).get("destroyReason").asString()).isEqualTo("idle");
      assertThat(status(api, working)).isEqualTo("READY");

      String workerId = worker.get("id").asString();
      assertThat(api.delete(BASE + "/" + working + "/workers/" + workerId + "?wait=PT10S").status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> status(api, working).equals("DESTROYED"));
      assertThat(env(api, working).get("destroyReason").asString()).isEqualTo("idle");
      assertThat(JarSandbox.isRunning(worker.get("pid").asInt())).isFalse();

      String metrics = api.get("/actuator/prometheus").body();
      assertThat(metrics)
          .contains("envkeeper_environments_expired_total{reason=\"idle\"} 2.0")
          .contains("envkeeper_environments_expired_total{reason=\"ttl\"} 1.0")
          .contains("envkeeper_expiry_overdue 0.0");
    }
  }

  private List<String> arguments() {
    List<String> arguments = new ArrayList<>(sandbox.arguments());
    arguments.addAll(List.of(
        "--envkeeper.reconcile.interval=500ms",
        "--envkeeper.environments.activity-flush-interval=500ms",
        "--envkeeper.environments.expiry-warning=2s",
        "--envkeeper.watch.heartbeat=200ms",
        "--envkeeper.workers.profiles.sleeper.command=sleep,1000"));
    return arguments;
  }

  private static String create(ApiClient api, String body) {
    return api.post(BASE, body).json().get("id").asString();
  }

  private static EventStreamClient events(ApiClient api, String id) {
    return EventStreamClient.connect(api.uri(BASE + "/" + id + "/events"), null);
  }

  private static JsonNode env(ApiClient api, String id) {
    return api.get(BASE + "/" + id).json();
  }

  private static String status(ApiClient api, String id) {
    return env(api, id).get("status").asString();
  }

  private static String keptAliveBy(ApiClient api, String id) {
    return api.get(BASE + "/" + id + "/activity").json().get("keptAliveBy").toString();
  }
}
