package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.IntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code worker} events on {@code /events}: one per worker status change (start, exit by itself,
 * a stop that ends in SIGKILL), with the fields API.md names and no {@code id:}, so they never
 * move the change cursor.
 */
@TestPropertySource(properties = {
  "envkeeper.workers.profiles.exits3.command=sh,-c,echo doing; exit 3",
  // Ignores SIGTERM: only SIGKILL ends it.
  "envkeeper.workers.profiles.stubborn.command=sh,-c,trap '' TERM; echo started; while true; do sleep 0.05; done",
  "envkeeper.workers.profiles.stubborn.stop-grace=300ms",
  "envkeeper.workers.profiles.stubborn.kill-timeout=2s",
  "envkeeper.workers.profiles.crashes.command=sh,-c,echo doing; exit 4",
  "envkeeper.workers.profiles.crashes.restart=on-failure",
  "envkeeper.workers.profiles.crashes.max-restarts=2",
  "envkeeper.workers.profiles.crashes.restart-backoff=100ms",
  "envkeeper.workers.profiles.crashes.restart-backoff-max=100ms",
  "envkeeper.watch.heartbeat=200ms"
})
class WorkerEventsIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Test
  void aWorkerThatExitsByItselfIsAnnouncedRunningThenExited() {
    String env = createEnvironment();
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
      String worker = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"exits3\"}").json().get("id").asString();

      JsonNode exited = awaitWorker(stream, worker, "EXITED");
      JsonNode running = workerEvents(stream, worker).get(0);
      assertThat(running.get("status").asString()).isEqualTo("RUNNING");
      assertThat(running.get("pid").asInt()).isPositive();
      assertThat(running.get("exitCode").isNull()).isTrue();
      assertThat(running.get("signal").isNull()).isTrue();
      assertThat(running.get("restarts").asInt()).isZero();
      assertThat(exited.get("exitCode").asInt()).isEqualTo(3);
      assertThat(exited.get("signal").isNull()).isTrue();
      assertThat(exited.get("pid").asInt()).isEqualTo(running.get("pid").asInt());
      assertThat(stream.named("worker")).allSatisfy(event -> assertThat(event.id()).isNull());
    }
    destroy(env);
  }

  @Test
  void aStopThatEndsInSigkillIsAnnouncedStoppingThenExitedWithTheSignal() {
    String env = createEnvironment();
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
      String worker = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"stubborn\"}").json().get("id").asString();
      awaitWorker(stream, worker, "RUNNING");

      assertThat(api().delete(BASE + "/" + env + "/workers/" + worker + "?wait=PT10S").status()).isEqualTo(200);

      JsonNode exited = awaitWorker(stream, worker, "EXITED");
      assertThat(exited.get("signal").asInt()).isEqualTo(9);
      assertThat(exited.get("exitCode").isNull()).isTrue();
      assertThat(workerEvents(stream, worker)).extracting(event -> event.get("status").asString())
          .containsExactly("RUNNING", "STOPPING", "EXITED");
    }
    destroy(env);
  }

  @Test
  void restartsAreAnnouncedBackoffThenRunningWithTheRealRestartCount() {
    String env = createEnvironment();
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
      String worker = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"crashes\"}").json().get("id").asString();

      JsonNode exited = awaitWorker(stream, worker, "EXITED");
      List<JsonNode> events = workerEvents(stream, worker);
      assertThat(events).extracting(event -> event.get("status").asString() + "/" + event.get("restarts").asInt())
          .containsExactly("RUNNING/0", "BACKOFF/0", "RUNNING/1", "BACKOFF/1", "RUNNING/2", "EXITED/2");
      assertThat(events.get(1).get("exitCode").asInt()).isEqualTo(4);
      assertThat(events.get(2).get("pid").asInt()).isNotEqualTo(events.get(0).get("pid").asInt());
      assertThat(exited.get("exitCode").asInt()).isEqualTo(4);
      JsonNode row = api().get(BASE + "/" + env + "/workers/" + worker).json();
      assertThat(row.get("restarts").asInt()).isEqualTo(exited.get("restarts").asInt());
    }
    destroy(env);
  }

  @Test
  void workerEventsDoNotMoveTheChangeCursor() {
    String env = createEnvironment();
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
      String worker = api().post(BASE + "/" + env + "/workers", "{\"profile\":\"exits3\"}").json().get("id").asString();
      awaitWorker(stream, worker, "EXITED");
    }
    // Resuming from 0 replays changes only: a worker's events are not part of the sequence.
    assertThat(api().get(BASE + "/" + env + "/workspace").json().get("changeSeq").asLong()).isZero();
    destroy(env);
  }

  private static JsonNode awaitWorker(EventStreamClient stream, String worker, String status) {
    EventStreamClient.Event event = stream.awaitEvent(TIMEOUT, candidate -> candidate.name().equals("worker")
        && ApiClient.parse(candidate.data()).get("workerId").asString().equals(worker)
        && ApiClient.parse(candidate.data()).get("status").asString().equals(status));
    return ApiClient.parse(event.data());
  }

  private static List<JsonNode> workerEvents(EventStreamClient stream, String worker) {
    return stream.named("worker").stream().map(event -> ApiClient.parse(event.data()))
        .filter(data -> data.get("workerId").asString().equals(worker)).toList();
  }

  private String createEnvironment() {
    return api().post(BASE, "{\"name\":\"worker-events\"}").json().get("id").asString();
  }

  private void destroy(String env) {
    assertThat(api().delete(BASE + "/" + env + "?wait=PT30S").status()).isEqualTo(200);
  }
}
