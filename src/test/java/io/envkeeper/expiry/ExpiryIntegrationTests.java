package io.envkeeper.expiry;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.MutableClock;
import io.envkeeper.support.TeardownRecorder;
import io.envkeeper.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Expiry end to end through the API, with the application's clock moved by hand: TTL and idle
 * expiry through the normal destroy path, what keeps an environment alive (and that
 * {@code …/activity} says so), keepalive, PATCH, the {@code expiring} event, and bad input.
 */
@Import(MutableClock.Config.class)
@TestPropertySource(properties = {
  "envkeeper.reconcile.interval=200ms",
  "envkeeper.environments.activity-flush-interval=100ms",
  "envkeeper.watch.heartbeat=100ms",
  "envkeeper.workers.profiles.sleeper.command=sleep,1000",
  "envkeeper.workers.profiles.crasher.command=sh,-c,exit 1",
  "envkeeper.workers.profiles.crasher.restart=on-failure",
  "envkeeper.workers.profiles.crasher.restart-backoff=10m",
  "envkeeper.workers.profiles.crasher.restart-backoff-max=10m"
})
class ExpiryIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Autowired MutableClock clock;
  @Autowired ExpiryStatus expiryStatus;
  @Autowired MeterRegistry meters;
  @Autowired TeardownRecorder teardowns;
  @Autowired JdbcTemplate jdbc;

  private final List<Integer> workerPids = new CopyOnWriteArrayList<>();

  @AfterEach
  void leaveNoWorkerBehind() {
    workerPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  // --- TTL and idle expiry ------------------------------------------------------------------

  @Test
  void ttlExpiryIsAnnouncedThenDestroysThroughTheNormalPathWhateverTheActivity() {
    double expiredBefore = expired("ttl");
    Instant created = clock.instant();
    String id = create("{\"name\":\"ttl\",\"ttl\":\"PT1H\"}");
    assertThat(instant(env(id), "expiresAt")).isEqualTo(created.plus(Duration.ofHours(1)));

    try (EventStreamClient stream = openEvents(id)) {
      advanceAndPass(Duration.ofMinutes(50));
      assertThat(stream.named("expiring")).isEmpty();

      advanceAndPass(Duration.ofMinutes(6)); // within the 5 minute warning
      EventStreamClient.Event expiring = stream.awaitEvent(WAIT, event -> event.name().equals("expiring"));
      JsonNode data = ApiClient.parse(expiring.data());
      assertThat(Instant.parse(data.get("destroyAt").asString())).isEqualTo(created.plus(Duration.ofHours(1)));
      assertThat(data.get("reason").asString()).isEqualTo("ttl");
      assertThat(expiring.id()).as("not part of the change sequence").isNull();
      // A stream opened after the announcement hears it too.
      try (EventStreamClient late = openEvents(id)) {
        late.awaitEvent(WAIT, event -> event.name().equals("expiring"));
      }
      JsonNode activity = activity(id);
      assertThat(activity.get("keptAliveBy").toString()).contains("stream");
      assertThat(instant(activity, "destroyAt")).isEqualTo(created.plus(Duration.ofHours(1)));

      clock.advance(Duration.ofMinutes(5));
      await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
      stream.awaitEvent(WAIT, event -> event.name().equals("destroyed"));
      List<String> names = stream.events().stream().map(EventStreamClient.Event::name).filter(n -> !n.equals("comment")).toList();
      assertThat(names.indexOf("expiring")).isLessThan(names.indexOf("destroyed"));
    }
    JsonNode gone = env(id);
    assertThat(gone.get("destroyReason").asString()).isEqualTo("ttl");
    assertThat(gone.get("destroyAttempts").asInt()).isEqualTo(1);
    assertThat(teardowns.teardowns(UUID.fromString(id))).isEqualTo(1);
    assertThat(expired("ttl")).isEqualTo(expiredBefore + 1);
    assertProblem(api().get(BASE + "/" + id + "/activity"), 410, "environment_destroyed");
  }

  @Test
  void idleEnvironmentExpiresAndReadingItIsNotActivity() {
    double expiredBefore = expired("idle");
    Instant created = clock.instant();
    String id = create("{\"name\":\"idle\",\"idleTimeout\":\"PT10M\"}");
    JsonNode fresh = activity(id);
    assertThat(instant(fresh, "idleSince")).isEqualTo(created);
    assertThat(instant(fresh, "destroyAt")).isEqualTo(created.plus(Duration.ofMinutes(10)));
    assertThat(fresh.get("keptAliveBy").size()).isZero();
    assertThat(env(id).get("idleTimeout").asString()).isEqualTo("PT10M");

    advanceAndPass(Duration.ofMinutes(4));
    // Reading the row, the list and the activity itself are not activity.
    api().get(BASE + "/" + id);
    api().get(BASE + "?limit=500");
    assertThat(instant(activity(id), "idleSince")).isEqualTo(created);

    // Any call under the environment is.
    assertThat(api().get(BASE + "/" + id + "/workspace").status()).isEqualTo(200);
    Instant touched = clock.instant();
    JsonNode after = activity(id);
    assertThat(instant(after, "lastActivityAt")).isEqualTo(touched);
    assertThat(instant(after, "destroyAt")).isEqualTo(touched.plus(Duration.ofMinutes(10)));
    // ... and reaches the row within a flush, without a version change.
    long version = env(id).get("version").asLong();
    await().atMost(WAIT).until(() -> touched.equals(instant(env(id), "lastActivityAt")));
    assertThat(env(id).get("version").asLong()).isEqualTo(version);

    advanceAndPass(Duration.ofMinutes(9));
    assertThat(status(id)).isEqualTo("READY");

    clock.advance(Duration.ofMinutes(2));
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
    assertThat(env(id).get("destroyReason").asString()).isEqualTo("idle");
    assertThat(expired("idle")).isEqualTo(expiredBefore + 1);
  }

  @Test
  void callsUnderAnEnvironmentAreKeptInMemoryAndWriteItsRowOncePerFlush() {
    String id = create("{\"name\":\"busy\",\"idleTimeout\":\"PT10M\"}");
    String counter = "count_" + id.replace("-", "");
    jdbc.execute("CREATE TABLE " + counter + " (n int)");
    jdbc.execute("CREATE FUNCTION " + counter + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " INSERT INTO " + counter + " VALUES (1); RETURN NEW; END $$");
    jdbc.execute("CREATE TRIGGER " + counter + " AFTER UPDATE ON environment FOR EACH ROW"
        + " WHEN (NEW.id = '" + id + "') EXECUTE FUNCTION " + counter + "()");
    try {
      Instant busyAt = clock.advance(Duration.ofMinutes(1));
      for (int i = 0; i < 200; i++) {
        assertThat(api().get(BASE + "/" + id + "/workspace").status()).isEqualTo(200);
        api().get(BASE + "/" + id);
        api().get(BASE + "/" + id + "/activity");
      }
      await().atMost(WAIT).until(() -> busyAt.equals(instant(env(id), "lastActivityAt")));
      long flushes = meters.timer("envkeeper.activity.flush.duration").count();
      await().atMost(WAIT).until(() -> meters.timer("envkeeper.activity.flush.duration").count() >= flushes + 3);

      Integer writes = jdbc.queryForObject("SELECT count(*) FROM " + counter, Integer.class);
      System.out.printf("600 requests on one environment (200 of them activity): %d write(s) of its row%n", writes);
      assertThat(writes).isEqualTo(1);
    } finally {
      jdbc.execute("DROP TRIGGER " + counter + " ON environment");
      jdbc.execute("DROP FUNCTION " + counter + "()");
      jdbc.execute("DROP TABLE " + counter);
    }
    destroy(id);
  }

  @Test
  void fileChangeInTheWorkspaceIsActivity() throws Exception {
    String id = create("{\"name\":\"files\",\"idleTimeout\":\"PT10M\"}");
    Path workspace = Path.of(env(id).get("path").asString());
    advanceAndPass(Duration.ofMinutes(8));
    Instant changed = clock.instant();

    Files.writeString(workspace.resolve("edited.txt"), "x");

    await().atMost(WAIT).until(() -> changed.equals(instant(activity(id), "lastActivityAt")));
    assertThat(instant(activity(id), "destroyAt")).isEqualTo(changed.plus(Duration.ofMinutes(10)));
    advanceAndPass(Duration.ofMinutes(9));
    assertThat(status(id)).isEqualTo("READY");
    destroy(id);
  }

  @Test
  void aStreamOpeningOnAnAnnouncedIdleExpiryIsNotToldOfIt() {
    String id = create("{\"name\":\"announced\",\"idleTimeout\":\"PT10M\"}");
    try (EventStreamClient early = openEvents(id)) {
      // (the early stream holds it: nothing is announced while it is open)
      advanceAndPass(Duration.ofMinutes(1));
    }
    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").isEmpty());
    Instant idleSince = clock.instant();
    advanceAndPass(Duration.ofMinutes(6)); // within 5 minutes of the idle deadline: announced
    assertThat(instant(activity(id), "destroyAt")).isEqualTo(idleSince.plus(Duration.ofMinutes(10)));

    try (EventStreamClient late = openEvents(id)) {
      await().atMost(WAIT).until(() -> late.named("comment").size() >= 2); // a heartbeat after the replay
      assertThat(late.named("expiring")).as("its own opening called the idle expiry off").isEmpty();
      assertThat(activity(id).get("destroyAt").isNull()).isTrue();
    }
    destroy(id);
  }

  @Test
  void openStreamKeepsItAliveAndActivitySaysSo() {
    String id = create("{\"name\":\"streamed\",\"idleTimeout\":\"PT10M\"}");
    Instant closedAt;
    try (EventStreamClient stream = openEvents(id)) {
      await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").toString().equals("[\"stream\"]"));
      JsonNode held = activity(id);
      assertThat(held.get("idleSince").isNull()).isTrue();
      assertThat(held.get("destroyAt").isNull()).isTrue();

      advanceAndPass(Duration.ofMinutes(30));
      assertThat(status(id)).isEqualTo("READY");
      assertThat(instant(activity(id), "lastActivityAt")).isEqualTo(clock.instant());
      closedAt = clock.instant();
    }
    // The server notices the client left at the next heartbeat; the end of the stream is activity.
    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").isEmpty());
    assertThat(instant(activity(id), "idleSince")).isEqualTo(closedAt);

    clock.advance(Duration.ofMinutes(11));
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
    assertThat(env(id).get("destroyReason").asString()).isEqualTo("idle");
  }

  @Test
  void runningWorkerKeepsItAliveAndActivityNamesIt() {
    String id = create("{\"name\":\"working\",\"idleTimeout\":\"PT10M\"}");
    JsonNode worker = api().post(BASE + "/" + id + "/workers", "{\"profile\":\"sleeper\"}").json();
    workerPids.add(worker.get("pid").asInt());
    String workerId = worker.get("id").asString();
    advanceAndPass(Duration.ofSeconds(1)); // the request that started it is over

    // (awaited: the hold of the request that started it ends just after its response)
    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").toString().equals("[\"worker:" + workerId + "\"]"));
    assertThat(activity(id).get("destroyAt").isNull()).isTrue();

    advanceAndPass(Duration.ofMinutes(30));
    assertThat(status(id)).isEqualTo("READY");

    Instant stopped = clock.instant();
    assertThat(api().delete(BASE + "/" + id + "/workers/" + workerId + "?wait=PT10S").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").isEmpty());
    assertThat(instant(activity(id), "idleSince")).isEqualTo(stopped);

    clock.advance(Duration.ofMinutes(11));
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
    assertThat(env(id).get("destroyReason").asString()).isEqualTo("idle");
  }

  @Test
  void workerWaitingToRestartKeepsItAliveAsARunningOneDoes() {
    String id = create("{\"name\":\"restarting\",\"idleTimeout\":\"PT10M\"}");
    String workerId = api().post(BASE + "/" + id + "/workers", "{\"profile\":\"crasher\"}").json().get("id").asString();
    await().atMost(WAIT).until(() ->
        api().get(BASE + "/" + id + "/workers/" + workerId).json().get("status").asString().equals("BACKOFF"));
    advanceAndPass(Duration.ofSeconds(1));

    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").toString().equals("[\"worker:" + workerId + "\"]"));
    advanceAndPass(Duration.ofMinutes(30));
    assertThat(status(id)).isEqualTo("READY");

    Instant stopped = clock.instant();
    assertThat(api().delete(BASE + "/" + id + "/workers/" + workerId + "?wait=PT10S").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> activity(id).get("keptAliveBy").isEmpty());
    assertThat(instant(activity(id), "idleSince")).isEqualTo(stopped);
  }

  @Test
  void keepalivePutsTheIdleDeadlineOffAndAnswersTheActivity() {
    String id = create("{\"name\":\"kept\",\"idleTimeout\":\"PT10M\"}");
    advanceAndPass(Duration.ofMinutes(8));
    Instant keptAt = clock.instant();

    Response keepalive = api().post(BASE + "/" + id + "/keepalive", "");

    assertThat(keepalive.status()).isEqualTo(200);
    assertThat(instant(keepalive.json(), "lastActivityAt")).isEqualTo(keptAt);
    assertThat(instant(keepalive.json(), "idleSince")).isEqualTo(keptAt);
    assertThat(instant(keepalive.json(), "destroyAt")).isEqualTo(keptAt.plus(Duration.ofMinutes(10)));
    advanceAndPass(Duration.ofMinutes(9));
    assertThat(status(id)).isEqualTo("READY");

    clock.advance(Duration.ofMinutes(2));
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
  }

  // --- PATCH --------------------------------------------------------------------------------

  @Test
  void patchExtendsAndShortensTheTtlCountedFromThePatch() {
    Instant created = clock.instant();
    String id = create("{\"name\":\"patched\",\"ttl\":\"PT1H\",\"labels\":{\"a\":\"1\"}}");
    long version = env(id).get("version").asLong();

    Response extended = patch(id, "{\"ttl\":\"PT3H\"}", Long.toString(version));
    assertThat(extended.status()).isEqualTo(200);
    assertThat(instant(extended.json(), "expiresAt")).isEqualTo(created.plus(Duration.ofHours(3)));
    assertThat(extended.json().get("version").asLong()).isEqualTo(version + 1);
    assertThat(extended.json().get("labels").get("a").asString()).isEqualTo("1");

    advanceAndPass(Duration.ofHours(2));
    assertThat(status(id)).isEqualTo("READY");

    Instant shortenedAt = clock.instant();
    Response shortened = patch(id, "{\"ttl\":\"PT1M\",\"labels\":{\"b\":\"2\"}}", "\"" + (version + 1) + "\"");
    assertThat(shortened.status()).isEqualTo(200);
    assertThat(instant(shortened.json(), "expiresAt")).isEqualTo(shortenedAt.plus(Duration.ofMinutes(1)));
    assertThat(shortened.json().get("labels").toString()).isEqualTo("{\"b\":\"2\"}");
    assertThat(instant(activity(id), "destroyAt")).isEqualTo(shortenedAt.plus(Duration.ofMinutes(1)));

    clock.advance(Duration.ofMinutes(2));
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
    assertThat(env(id).get("destroyReason").asString()).isEqualTo("ttl");
  }

  @Test
  void patchSetsAndRemovesIdleTimeoutAndTtlAndIsNotActivity() {
    String id = create("{\"name\":\"switch\",\"ttl\":\"PT1H\"}");
    Instant idleSince = instant(activity(id), "idleSince");
    advanceAndPass(Duration.ofMinutes(3));

    Response patched = patch(id, "{\"ttl\":null,\"idleTimeout\":\"PT5M\"}", null);

    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().get("expiresAt").isNull()).isTrue();
    assertThat(patched.json().get("idleTimeout").asString()).isEqualTo("PT5M");
    // PATCH is not a call under the environment: the idle clock still counts from the create.
    assertThat(instant(activity(id), "destroyAt")).isEqualTo(idleSince.plus(Duration.ofMinutes(5)));
    long version = patched.json().get("version").asLong();
    assertThat(patch(id, "{}", null).json().get("version").asLong()).as("an empty patch changes nothing").isEqualTo(version);
    destroy(id);
  }

  @Test
  void staleIfMatchIsPreconditionFailedAndChangesNothing() {
    String id = create("{\"name\":\"raced\",\"ttl\":\"PT1H\"}");
    JsonNode before = env(id);
    long version = before.get("version").asLong();
    assertThat(patch(id, "{\"labels\":{\"x\":\"y\"}}", Long.toString(version)).status()).isEqualTo(200);

    Response stale = patch(id, "{\"ttl\":\"PT5H\"}", Long.toString(version));

    assertProblem(stale, 412, "precondition_failed");
    JsonNode after = env(id);
    assertThat(after.get("expiresAt")).isEqualTo(before.get("expiresAt"));
    assertThat(after.get("version").asLong()).isEqualTo(version + 1);
    assertProblem(patch(id, "{\"ttl\":\"PT5H\"}", "yesterday"), 400, "invalid_parameter");
    assertThat(patch(id, "{\"ttl\":\"PT5H\"}", "*").status()).isEqualTo(200);
    destroy(id);
  }

  // --- bad input ----------------------------------------------------------------------------

  @Test
  void badDurationsOnCreateAreRefusedAndCreateNothing() {
    String marker = "bad-" + UUID.randomUUID().toString().substring(0, 8);
    for (String body : List.of(
        "{\"name\":\"b\",\"ttl\":\"PT0S\"}",
        "{\"name\":\"b\",\"ttl\":\"-PT5M\"}",
        "{\"name\":\"b\",\"ttl\":\"PT1.5S\"}",
        "{\"name\":\"b\",\"ttl\":\"soon\"}",
        "{\"name\":\"b\",\"ttl\":\"P36500D\"}",
        "{\"name\":\"b\",\"idleTimeout\":\"PT0S\"}",
        "{\"name\":\"b\",\"idleTimeout\":\"-P1D\"}",
        "{\"name\":\"b\",\"idleTimeout\":\"P1Y\"}")) {
      String labelled = body.replace("{\"name\":\"b\"", "{\"name\":\"b\",\"labels\":{\"m\":\"" + marker + "\"}");
      assertProblem(api().post(BASE, labelled), 400, "invalid_duration");
    }
    assertProblem(api().post(BASE, "{\"name\":\"b\",\"ttl\":3600}"), 400, "invalid_field");
    assertThat(api().get(BASE + "?label=m:" + marker).json().get("items").size()).isZero();
  }

  @Test
  void badPatchesAreRefusedAndChangeNothing() {
    String id = create("{\"name\":\"kept-as-is\",\"ttl\":\"PT1H\"}");
    JsonNode before = env(id);

    assertProblem(patch(id, "{\"ttl\":\"PT0S\"}", null), 400, "invalid_duration");
    assertProblem(patch(id, "{\"idleTimeout\":\"-PT1M\"}", null), 400, "invalid_duration");
    assertProblem(patch(id, "{\"ttl\":\"PT1H\",\"name\":\"renamed\"}", null), 400, "unknown_field");
    assertProblem(patch(id, "{\"labels\":{\"bad key\":\"v\"}}", null), 400, "validation_failed");
    assertProblem(api().as(TestTokens.CLIENT_B).request("PATCH", BASE + "/" + id, "{\"ttl\":\"PT2H\"}"), 404,
        "environment_not_found");

    JsonNode after = env(id);
    assertThat(after.get("version")).isEqualTo(before.get("version"));
    assertThat(after.get("expiresAt")).isEqualTo(before.get("expiresAt"));
    assertThat(after.get("labels")).isEqualTo(before.get("labels"));
    destroy(id);
  }

  @Test
  void patchOfADestroyingOrDestroyedEnvironmentIsGone() {
    String stuck = create("{\"name\":\"stuck\"}");
    teardowns.failFor(UUID.fromString(stuck));
    api().delete(BASE + "/" + stuck);
    await().atMost(WAIT).until(() -> env(stuck).get("destroyAttempts").asInt() >= 1);
    JsonNode destroying = env(stuck);
    assertThat(destroying.get("status").asString()).isEqualTo("DESTROYING");
    assertThat(destroying.get("destroyReason").asString()).isEqualTo("client");

    assertProblem(patch(stuck, "{\"idleTimeout\":\"PT5M\"}", null), 410, "environment_destroyed");
    assertProblem(api().post(BASE + "/" + stuck + "/keepalive", ""), 410, "environment_destroyed");
    JsonNode after = env(stuck);
    assertThat(after.get("idleTimeout").isNull()).isTrue();
    assertThat(after.get("version")).isEqualTo(destroying.get("version"));

    teardowns.stopFailingFor(UUID.fromString(stuck));
    clock.advance(Duration.ofMinutes(2)); // the teardown retry's backoff runs on this clock
    await().atMost(WAIT).until(() -> status(stuck).equals("DESTROYED"));
    String gone = create("{\"name\":\"gone\"}");
    destroy(gone);
    assertProblem(patch(gone, "{\"ttl\":\"PT5M\"}", null), 410, "environment_destroyed");
  }

  // --- operations ---------------------------------------------------------------------------

  @Test
  void expiryThatCannotActShowsAsOverdueAndTurnsHealthDownUntilItCatchesUp() {
    String id = create("{\"name\":\"behind\",\"ttl\":\"PT10M\"}");
    // A real database refusal of exactly this environment's READY -> DESTROYING.
    String trigger = "refuse_" + id.replace("-", "");
    jdbc.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " RAISE EXCEPTION 'refused by the test'; END $$");
    jdbc.execute("CREATE TRIGGER " + trigger + " BEFORE UPDATE ON environment FOR EACH ROW"
        + " WHEN (OLD.id = '" + id + "' AND NEW.status = 'DESTROYING') EXECUTE FUNCTION " + trigger + "()");
    try {
      advanceAndPass(Duration.ofMinutes(12));
      assertThat(status(id)).isEqualTo("READY");
      JsonNode health = expiryHealth();
      assertThat(health.get("status").asString()).isEqualTo("DOWN");
      assertThat(health.get("details").get("overdue").asInt()).isEqualTo(1);
      assertThat(api().get("/actuator/prometheus").body())
          .contains("envkeeper_expiry_overdue 1.0")
          .contains("envkeeper_expiry_oldest_overdue_age_seconds 120.0");
    } finally {
      jdbc.execute("DROP TRIGGER " + trigger + " ON environment");
      jdbc.execute("DROP FUNCTION " + trigger + "()");
    }
    await().atMost(WAIT).until(() -> status(id).equals("DESTROYED"));
    await().atMost(WAIT).until(() -> expiryHealth().get("status").asString().equals("UP"));
    assertThat(expiryHealth().get("details").get("overdue").asInt()).isZero();
  }

  @Test
  void expiredCountersAreExportedByReason() {
    assertThat(api().get("/actuator/prometheus").body())
        .contains("envkeeper_environments_expired_total{reason=\"ttl\"}")
        .contains("envkeeper_environments_expired_total{reason=\"idle\"}")
        .contains("envkeeper_activity_flush_duration_seconds_count");
  }

  // --- helpers ------------------------------------------------------------------------------

  private String create(String body) {
    Response created = api().post(BASE, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void destroy(String id) {
    assertThat(api().delete(BASE + "/" + id + "?wait=PT10S").status()).isEqualTo(200);
  }

  private Response patch(String id, String body, String ifMatch) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api().uri(BASE + "/" + id))
        .header("Content-Type", "application/merge-patch+json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return api().send(request);
  }

  private JsonNode env(String id) {
    return api().get(BASE + "/" + id).json();
  }

  private String status(String id) {
    return env(id).get("status").asString();
  }

  private JsonNode activity(String id) {
    Response response = api().get(BASE + "/" + id + "/activity");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private JsonNode expiryHealth() {
    return api().get("/actuator/health").json().get("components").get("expiry");
  }

  private EventStreamClient openEvents(String id) {
    return EventStreamClient.connect(api().uri(BASE + "/" + id + "/events"), null);
  }

  private double expired(String reason) {
    return meters.counter("envkeeper.environments.expired", "reason", reason).count();
  }

  /** Moves the clock on and waits for a reconcile pass that saw the new time. */
  private void advanceAndPass(Duration by) {
    Instant now = clock.advance(by);
    await().atMost(WAIT).until(() -> {
      Instant lastPass = expiryStatus.snapshot().lastPassAt();
      return lastPass != null && !lastPass.isBefore(now);
    });
  }

  private static Instant instant(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : Instant.parse(value.asString());
  }
}
