package io.envkeeper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HopHeadersTests {

  @ParameterizedTest
  @ValueSource(strings = {"Connection", "keep-alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
      "Proxy-Authorization", "Proxy-Authenticate", "Host", "Content-Length", "Expect", "Envkeeper-Forwarded-By"})
  void connectionLevelHeadersAreNeverCopied(String name) {
    assertThat(HopHeaders.isExcluded(HopHeaders.excluded(List.of()), name)).isTrue();
  }

  @Test
  void headersTheConnectionHeaderNamesAreNotCopiedEither() {
    Set<String> excluded = HopHeaders.excluded(List.of("close, X-Hop-One", " x-hop-two "));
    assertThat(HopHeaders.isExcluded(excluded, "X-Hop-One")).isTrue();
    assertThat(HopHeaders.isExcluded(excluded, "X-HOP-TWO")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authorization", "Accept", "Content-Type", "Last-Event-ID", "Idempotency-Key", "If-Match"})
  void endToEndHeadersAreCopied(String name) {
    assertThat(HopHeaders.isExcluded(HopHeaders.excluded(List.of("keep-alive")), name)).isFalse();
  }
}
