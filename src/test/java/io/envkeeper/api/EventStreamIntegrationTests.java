package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envkeeper.support.EventStreamClient;
import io.envkeeper.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Event streams send heartbeats and are released when their client goes away. */
@TestPropertySource(properties = "envkeeper.watch.heartbeat=100ms")
class EventStreamIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired ChangeStreams streams;

  @Test
  void idleStreamGetsHeartbeats() {
    String env = api().post(BASE, "{\"name\":\"beats\"}").json().get("id").asString();
    try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> stream.named("comment").size() >= 3);
      assertThat(stream.named("change")).isEmpty();
    }
  }

  @Test
  void streamsOfClientsThatWentAwayAreReleased() {
    String env = api().post(BASE, "{\"name\":\"leaks\"}").json().get("id").asString();
    int before = streams.openStreams();
    List<EventStreamClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null));
    }
    assertThat(streams.openStreams()).isEqualTo(before + 5);

    clients.forEach(EventStreamClient::close);

    // The next heartbeat write fails on each closed connection and releases its stream.
    await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == before);
  }

  @Test
  void everyStreamSurvivesItsFirstWriteRacingTheRequestThread() {
    // A stream's sender writes its first comment as soon as it opens, while the request thread is
    // still unwinding the filters. Spring Security's header writer used to add its headers then,
    // from that thread, into the same response (spring-security#9175): Tomcat's headers are not
    // thread-safe, and under load the request failed with an NPE and the stream was cut.
    String env = api().post(BASE, "{\"name\":\"racing\"}").json().get("id").asString();
    for (int i = 0; i < 200; i++) {
      try (EventStreamClient stream = EventStreamClient.connect(api().uri(BASE + "/" + env + "/events"), null)) {
        // connect() returns once the first comment came or the stream ended.
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.ended()).as("stream %d ended", i).isFalse();
      }
    }
  }
}
