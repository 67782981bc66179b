package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.ProblemAssertions;
import io.envkeeper.support.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET …/workers/{wid}/log?follow=true}: real workers, real SSE over HTTP. One {@code line}
 * event per output line with the byte offset after it as {@code id:}, resume with
 * {@code Last-Event-ID}, {@code truncated} where rotation dropped the bytes asked for, and a final
 * {@code exit} event once the worker ended and all its output was sent.
 */
@TestPropertySource(properties = {
  // Prints a line, waits for a file named 'go' in its workspace, prints another and exits 7.
  "envkeeper.workers.profiles.gated.command=sh,-c,echo first; while [ ! -e go ]; do sleep 0.05; done; echo second; exit 7",
  "envkeeper.workers.profiles.lines.command=sh,-c,echo one; echo two; echo three; printf partial",
  "envkeeper.workers.profiles.chatty.command=sh,-c,i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done",
  "envkeeper.workers.profiles.chatty.log-max-bytes=16KB",
  "envkeeper.workers.profiles.sleeper.command=sleep,1000",
  // About 9.6 KB per process, then exit 3; restarted twice, so its 16 KB log rotates across a restart.
  "envkeeper.workers.profiles.crashing.command=sh,-c,i=0; while [ $i -lt 150 ]; do echo run-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; exit 3",
  "envkeeper.workers.profiles.crashing.log-max-bytes=16KB",
  "envkeeper.workers.profiles.crashing.restart=on-failure",
  "envkeeper.workers.profiles.crashing.max-restarts=2",
  "envkeeper.workers.profiles.crashing.restart-backoff=300ms",
  "envkeeper.workers.profiles.crashing.restart-backoff-max=300ms",
  "envkeeper.watch.heartbeat=200ms",
  "envkeeper.security.stream-revalidation-interval=300ms"
})
class WorkerLogFollowIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final String CHATTY_PADDING = "x".repeat(57);

  @Test
  void followSendsLinesAsTheyAreWrittenThenTheExitEventAndEnds() throws IOException {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "gated");
    try (EventStreamClient follow = follow(api(), env, worker, null, "")) {
      EventStreamClient.Event first = follow.awaitEvent(TIMEOUT, event -> event.name().equals("line"));
      assertThat(text(first)).isEqualTo("first");
      assertThat(first.id()).isEqualTo("6");
      assertThat(follow.ended()).isFalse();

      Files.createFile(Path.of(env.get("path").asString()).resolve("go"));

      EventStreamClient.Event exit = follow.awaitEvent(TIMEOUT, event -> event.name().equals("exit"));
      await().atMost(TIMEOUT).until(follow::ended);
      assertThat(follow.named("line")).extracting(WorkerLogFollowIntegrationTests::text).containsExactly("first", "second");
      assertThat(follow.named("line")).extracting(EventStreamClient.Event::id).containsExactly("6", "13");
      JsonNode data = ApiClient.parse(exit.data());
      assertThat(data.get("status").asString()).isEqualTo("EXITED");
      assertThat(data.get("exitCode").asInt()).isEqualTo(7);
      assertThat(data.get("signal").isNull()).isTrue();
      assertThat(lastEvent(follow).name()).isEqualTo("exit");
    }
    destroy(api(), env);
  }

  @Test
  void aRestartedWorkersLogContinuesItsOffsetsAndTheFollowGoesOnUntilItEndsForGood() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "crashing");
    long total = 0;
    for (int run = 0; run < 3; run++) {
      for (int i = 0; i < 150; i++) {
        total += ("run-" + i + "-" + "x".repeat(50) + "\n").length();
      }
    }
    try (EventStreamClient live = follow(api(), env, worker, null, "")) {
      await().atMost(TIMEOUT).until(live::ended);
      assertFollowedAllThreeRuns(live, total);
      assertThat(ApiClient.parse(lastEvent(live).data()).get("status").asString()).isEqualTo("EXITED");
    }
    JsonNode ended = api().get(BASE + "/" + env.get("id").asString() + "/workers/" + worker).json();
    assertThat(ended.get("restarts").asInt()).isEqualTo(2);
    // Read again from the start once it ended: the rotations came after restarts (the pump may
    // write a process's output in one piece, so a whole run can be dropped), and the offsets they
    // recorded are those of the worker's bytes, not of its last process's.
    try (EventStreamClient again = follow(api(), env, worker, "0", "")) {
      await().atMost(TIMEOUT).until(again::ended);
      List<EventStreamClient.Event> truncated = again.named("truncated");
      long previous = truncated.isEmpty() ? 0 : ApiClient.parse(truncated.get(0).data()).get("resumedAt").asLong();
      assertThat(previous).isLessThanOrEqualTo(total - 8740); // the last run is kept whole
      for (EventStreamClient.Event line : again.named("line")) {
        long id = Long.parseLong(line.id());
        assertThat(id).as("offsets only grow").isEqualTo(previous + text(line).length() + 1);
        previous = id;
      }
      assertThat(previous).isEqualTo(total);
      assertThat(lastEvent(again).name()).isEqualTo("exit");
    }
    destroy(api(), env);
  }

  private static void assertFollowedAllThreeRuns(EventStreamClient follow, long total) {
    List<EventStreamClient.Event> lines = follow.named("line");
    assertThat(follow.named("truncated")).isEmpty();
    assertThat(lines).hasSize(450);
    long previous = 0;
    for (EventStreamClient.Event line : lines) {
      long id = Long.parseLong(line.id());
      assertThat(id).as("offsets only grow").isEqualTo(previous + text(line).length() + 1);
      previous = id;
    }
    assertThat(previous).isEqualTo(total);
    assertThat(lastEvent(follow).name()).isEqualTo("exit");
  }

  @Test
  void lastEventIdResumesAfterThatByteAndTailStartsAtTheLastLines() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "lines");
    awaitStatus(env, worker, "EXITED");

    try (EventStreamClient resumed = follow(api(), env, worker, "4", "")) {
      await().atMost(TIMEOUT).until(resumed::ended);
      assertThat(resumed.named("line")).extracting(WorkerLogFollowIntegrationTests::text)
          .containsExactly("two", "three", "partial");
      assertThat(resumed.named("line")).extracting(EventStreamClient.Event::id).containsExactly("8", "14", "21");
      assertThat(lastEvent(resumed).name()).isEqualTo("exit");
    }
    try (EventStreamClient tailed = follow(api(), env, worker, null, "&tail=2")) {
      await().atMost(TIMEOUT).until(tailed::ended);
      assertThat(tailed.named("line")).extracting(WorkerLogFollowIntegrationTests::text).containsExactly("three", "partial");
    }
    try (EventStreamClient atTheEnd = follow(api(), env, worker, "21", "")) {
      await().atMost(TIMEOUT).until(atTheEnd::ended);
      assertThat(atTheEnd.named("line")).isEmpty();
      assertThat(atTheEnd.named("exit")).hasSize(1);
    }
    destroy(api(), env);
  }

  @Test
  void anOffsetRotatedAwayGetsATruncatedEventThenWholeLinesFromTheOldestKept() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "chatty");
    awaitStatus(env, worker, "EXITED");
    long total = 0;
    for (int i = 0; i < 2000; i++) {
      total += ("line-" + i + "-" + CHATTY_PADDING + "\n").length();
    }

    try (EventStreamClient follow = follow(api(), env, worker, "0", "")) {
      await().atMost(TIMEOUT).until(follow::ended);
      List<EventStreamClient.Event> events = follow.events().stream().filter(e -> !e.name().equals("comment")).toList();
      assertThat(events.get(0).name()).isEqualTo("truncated");
      JsonNode truncated = ApiClient.parse(events.get(0).data());
      assertThat(truncated.get("requestedOffset").asLong()).isZero();
      long resumedAt = truncated.get("resumedAt").asLong();
      assertThat(resumedAt).isPositive().isLessThan(total);
      assertThat(events.get(0).id()).isEqualTo(Long.toString(resumedAt));
      List<EventStreamClient.Event> lines = follow.named("line");
      assertThat(lines).allSatisfy(line -> assertThat(text(line)).matches("line-\\d+-" + CHATTY_PADDING));
      assertThat(text(lines.get(lines.size() - 1))).startsWith("line-1999-");
      assertThat(lines.get(lines.size() - 1).id()).isEqualTo(Long.toString(total));
      // Offsets count from the worker's start: the first kept line's end is where its own bytes end.
      int firstIndex = Integer.parseInt(text(lines.get(0)).split("-")[1]);
      long endOfFirst = 0;
      for (int i = 0; i <= firstIndex; i++) {
        endOfFirst += ("line-" + i + "-" + CHATTY_PADDING + "\n").length();
      }
      assertThat(lines.get(0).id()).isEqualTo(Long.toString(endOfFirst));
      assertThat(lastEvent(follow).name()).isEqualTo("exit");
    }
    destroy(api(), env);
  }

  @Test
  void unknownWorkerIs404AndBadOffsetsAre400() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "lines");
    awaitStatus(env, worker, "EXITED");
    String base = BASE + "/" + env.get("id").asString() + "/workers/";

    ProblemAssertions.assertProblem(followOnce(base + UUID.randomUUID() + "/log?follow=true", null), 404, "worker_not_found");
    ProblemAssertions.assertProblem(followOnce(base + worker + "/log?follow=true", "abc"), 400, "invalid_parameter");
    ProblemAssertions.assertProblem(followOnce(base + worker + "/log?follow=true", "22"), 400, "invalid_parameter");
    ProblemAssertions.assertProblem(followOnce(base + worker + "/log?follow=maybe", null), 400, "invalid_parameter");
    destroy(api(), env);
    ProblemAssertions.assertProblem(followOnce(base + worker + "/log?follow=true", null), 410, "environment_destroyed");
  }

  @Test
  void anOpenFollowKeepsTheEnvironmentAlive() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "sleeper");
    String activity = BASE + "/" + env.get("id").asString() + "/activity";
    try (EventStreamClient follow = follow(api(), env, worker, null, "")) {
      await().atMost(TIMEOUT).until(() ->
          api().get(activity).json().get("keptAliveBy").toString().contains("\"log_stream:" + worker + "\""));
    }
    await().atMost(TIMEOUT).until(() ->
        !api().get(activity).json().get("keptAliveBy").toString().contains("log_stream:"));
    destroy(api(), env);
  }

  @Test
  void aDestroyEndsTheFollowWithTheWorkersExit() {
    JsonNode env = createEnvironment(api());
    String worker = startWorker(api(), env, "sleeper");
    try (EventStreamClient follow = follow(api(), env, worker, null, "")) {
      destroy(api(), env);
      await().atMost(TIMEOUT).until(follow::ended);
      assertThat(lastEvent(follow).name()).isEqualTo("exit");
      assertThat(ApiClient.parse(lastEvent(follow).data()).get("signal").asInt()).isEqualTo(15);
    }
  }

  @Test
  void revokingTheTokenEndsItsFollows() {
    Response issued = api().post("/api/v1/admin/tokens", "{\"tenant\":\"" + TestTokens.TENANT_A + "\",\"role\":\"client\"}");
    ApiClient client = api().as(issued.json().get("token").asString());
    JsonNode env = createEnvironment(client);
    String worker = startWorker(client, env, "sleeper");
    try (EventStreamClient follow = follow(client, env, worker, null, "")) {
      assertThat(follow.ended()).isFalse();

      assertThat(api().delete("/api/v1/admin/tokens/" + issued.json().get("id").asString()).status()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(follow::ended);
      assertThat(follow.named("exit")).isEmpty();
    }
    destroy(api().as(TestTokens.CLIENT_A), env);
  }

  private EventStreamClient follow(ApiClient client, JsonNode env, String worker, String lastEventId, String query) {
    EventStreamClient stream = EventStreamClient.connect(
        client.uri(BASE + "/" + env.get("id").asString() + "/workers/" + worker + "/log?follow=true" + query),
        lastEventId, Map.of("Authorization", "Bearer " + client.token()));
    assertThat(stream.status()).isEqualTo(200);
    return stream;
  }

  private Response followOnce(String path, String lastEventId) {
    var request = java.net.http.HttpRequest.newBuilder(api().uri(path)).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return api().send(request);
  }

  private static String text(EventStreamClient.Event line) {
    return ApiClient.parse(line.data()).get("text").asString();
  }

  private static EventStreamClient.Event lastEvent(EventStreamClient stream) {
    List<EventStreamClient.Event> events = stream.events().stream().filter(e -> !e.name().equals("comment")).toList();
    return events.get(events.size() - 1);
  }

  private void awaitStatus(JsonNode env, String worker, String status) {
    await().atMost(TIMEOUT).until(() -> api().get(BASE + "/" + env.get("id").asString() + "/workers/" + worker)
        .json().get("status").asString().equals(status));
  }

  private static JsonNode createEnvironment(ApiClient client) {
    Response created = client.post(BASE, "{\"name\":\"followed\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static String startWorker(ApiClient client, JsonNode env, String profile) {
    Response started = client.post(BASE + "/" + env.get("id").asString() + "/workers", "{\"profile\":\"" + profile + "\"}");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    return started.json().get("id").asString();
  }

  private static void destroy(ApiClient client, JsonNode env) {
    assertThat(client.delete(BASE + "/" + env.get("id").asString() + "?wait=PT30S").status()).isEqualTo(200);
  }
}
