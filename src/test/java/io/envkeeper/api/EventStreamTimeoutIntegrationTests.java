package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.RawHttp;
import io.envkeeper.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A stream that reaches {@code envkeeper.watch.stream-timeout} ends cleanly, with its final chunk. */
@TestPropertySource(properties = "envkeeper.watch.stream-timeout=1s")
class EventStreamTimeoutIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Test
  void aStreamThatTimesOutSendsItsFinalChunk() {
    String environment = api().as(TestTokens.CLIENT_A).post(BASE, "{\"name\":\"timing-out\"}").json().get("id").asString();
    try (RawHttp.RawStream stream = new RawHttp(port).openStream(
        (BASE + "/" + environment + "/events").getBytes(StandardCharsets.US_ASCII),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A)))) {
      stream.awaitText(":envkeeper " + environment);

      String all = stream.readToEnd();

      assertThat(all).startsWith("HTTP/1.1 200").doesNotContain("event:destroyed").endsWith("\r\n0\r\n\r\n");
    }
    api().delete(BASE + "/" + environment + "?wait=PT10S");
  }
}
