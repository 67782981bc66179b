package io.envkeeper.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.MutableClock;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * A node stopped and started again on the same database, its clock moved by hand across the
 * downtime: idle clocks do not count the time the node was down, and no deadline is forgotten (one
 * missed while down is announced, then carried out).
 */
class ExpiryRestartIntegrationTests {

  private static final String BASE = "/api/v1/environments";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration WARNING = Duration.ofMinutes(1);
  private static final MutableClock CLOCK = MutableClock.startingNow();

  /** The one clock of both runs. Lite configuration: only given as a source, never scanned. */
  static class SharedClock {
    @Bean
    @Primary
    MutableClock sharedClock() {
      return CLOCK;
    }
  }

  @Test
  void restartPausesIdleClocksForTheDowntimeAndKeepsEveryDeadline() {
    Path root = TestDirectories.create("expiry-restart");
    String node = "expiry-restart-" + UUID.randomUUID();
    Instant t0 = CLOCK.instant();
    String quiet;
    String active;
    String ttl;
    String missed;
    try (ConfigurableApplicationContext first = start(root, node)) {
      ApiClient api = api(first);
      quiet = create(api, "{\"name\":\"quiet\",\"idleTimeout\":\"PT10M\"}");
      active = create(api, "{\"name\":\"active\",\"idleTimeout\":\"PT10M\"}");
      ttl = create(api, "{\"name\":\"ttl\",\"ttl\":\"PT30M\"}");
      missed = create(api, "{\"name\":\"missed\",\"ttl\":\"PT10M\"}");
      CLOCK.advance(Duration.ofMinutes(3));
      assertThat(api.post(BASE + "/" + active + "/keepalive", "").status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> t0.plus(Duration.ofMinutes(3)).equals(instant(env(api, active), "lastActivityAt")));
    }

    CLOCK.advance(Duration.ofMinutes(20)); // down from t0+3m to t0+23m

    try (ConfigurableApplicationContext second = start(root, node)) {
      ApiClient api = api(second);
      awaitPassAt(second, t0.plus(Duration.ofMinutes(23)));
      // 3 of its 10 idle minutes had passed when the node went down; 7 are left after the start.
      assertThat(instant(activity(api, quiet), "idleSince")).isEqualTo(t0.plus(Duration.ofMinutes(20)));
      assertThat(instant(activity(api, quiet), "destroyAt")).isEqualTo(t0.plus(Duration.ofMinutes(30)));
      assertThat(instant(activity(api, active), "destroyAt")).isEqualTo(t0.plus(Duration.ofMinutes(33)));
      // A TTL is a point in time: the downtime does not move it.
      assertThat(instant(activity(api, ttl), "destroyAt")).isEqualTo(t0.plus(Duration.ofMinutes(30)));
      // Missed while down: announced, carried out one warning after the start.
      assertThat(instant(activity(api, missed), "destroyAt")).isEqualTo(t0.plus(Duration.ofMinutes(24)));
      for (String id : List.of(quiet, active, ttl, missed)) {
        assertThat(env(api, id).get("status").asString()).as(id).isEqualTo("READY");
      }
      try (EventStreamClient stream = EventStreamClient.connect(api.uri(BASE + "/" + missed + "/events"), null)) {
        JsonNode expiring = ApiClient.parse(stream.awaitEvent(WAIT, event -> event.name().equals("expiring")).data());
        assertThat(Instant.parse(expiring.get("destroyAt").asString())).isEqualTo(t0.plus(Duration.ofMinutes(24)));
        assertThat(expiring.get("reason").asString()).isEqualTo("ttl");

        CLOCK.advance(Duration.ofMinutes(1));
        await().atMost(WAIT).until(() -> env(api, missed).get("status").asString().equals("DESTROYED"));
        stream.awaitEvent(WAIT, event -> event.name().equals("destroyed"));
      }
      assertThat(env(api, missed).get("destroyReason").asString()).isEqualTo("ttl");

      CLOCK.advance(Duration.ofMinutes(6)); // t0+30m
      await().atMost(WAIT).until(() -> env(api, quiet).get("status").asString().equals("DESTROYED"));
      await().atMost(WAIT).until(() -> env(api, ttl).get("status").asString().equals("DESTROYED"));
      assertThat(env(api, quiet).get("destroyReason").asString()).isEqualTo("idle");
      assertThat(env(api, ttl).get("destroyReason").asString()).isEqualTo("ttl");
      awaitPassAt(second, t0.plus(Duration.ofMinutes(30)));
      assertThat(env(api, active).get("status").asString()).isEqualTo("READY");

      CLOCK.advance(Duration.ofMinutes(3)); // t0+33m
      await().atMost(WAIT).until(() -> env(api, active).get("status").asString().equals("DESTROYED"));
      assertThat(env(api, active).get("destroyReason").asString()).isEqualTo("idle");
    }
  }

  private static ConfigurableApplicationContext start(Path root, String node) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.node.id=" + node,
        "envkeeper.data-dir=" + root.resolve("data"),
        "envkeeper.workspace.roots[0]=" + root,
        "envkeeper.workspace.managed-root=" + root.resolve("workspaces"),
        "envkeeper.reconcile.interval=200ms",
        "envkeeper.environments.activity-flush-interval=100ms",
        "envkeeper.environments.expiry-warning=" + WARNING));
    properties.addAll(TestTokens.propertyStrings());
    return TestApplication.start(properties, SharedClock.class);
  }

  /** Waits for a reconcile pass (with its expiry part) that ran at {@code at} or later. */
  private static void awaitPassAt(ConfigurableApplicationContext context, Instant at) {
    ExpiryStatus status = context.getBean(ExpiryStatus.class);
    await().atMost(WAIT).until(() -> status.snapshot().lastPassAt() != null && !status.snapshot().lastPassAt().isBefore(at));
  }

  private static ApiClient api(ConfigurableApplicationContext context) {
    return new ApiClient(TestApplication.port(context));
  }

  private static String create(ApiClient api, String body) {
    return api.post(BASE, body).json().get("id").asString();
  }

  private static JsonNode env(ApiClient api, String id) {
    return api.get(BASE + "/" + id).json();
  }

  private static JsonNode activity(ApiClient api, String id) {
    return api.get(BASE + "/" + id + "/activity").json();
  }

  private static Instant instant(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : Instant.parse(value.asString());
  }
}
