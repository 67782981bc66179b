package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestLogContextFilterTests {

  private static final String ENVIRONMENT = "0b6f3c52-1e7d-4c39-9d55-2d1f6f7f0a11";
  private static final String WORKER = "6a1d2f0e-5c4b-4b8e-a1f2-3c4d5e6f7a8b";

  private final RequestLogContextFilter filter = new RequestLogContextFilter();

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void workerPathPutsBothIdsForTheRequestOnly() throws Exception {
    Map<String, String> seen = serve("/api/v1/environments/" + ENVIRONMENT + "/workers/" + WORKER + "/log");
    assertThat(seen).containsEntry("environmentId", ENVIRONMENT).containsEntry("workerId", WORKER);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void environmentPathPutsTheEnvironmentIdAlone() throws Exception {
    assertThat(serve("/api/v1/environments/" + ENVIRONMENT)).containsOnlyKeys("environmentId");
    assertThat(serve("/api/v1/environments/" + ENVIRONMENT + "/workspace")).containsEntry("environmentId", ENVIRONMENT);
  }

  @Test
  void otherPathsPutNothing() throws Exception {
    assertThat(serve("/api/v1/environments")).isEmpty();
    assertThat(serve("/actuator/health")).isEmpty();
  }

  @Test
  void aSegmentThatIsNoIdIsNotCopiedIntoLogs() throws Exception {
    assertThat(serve("/api/v1/environments/a%0Aforged=line")).isEmpty();
  }

  @Test
  void idsAreClearedEvenWhenServingFails() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/environments/" + ENVIRONMENT);
    assertThatThrownBy(
            () -> filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
              throw new ServletException("handler failed");
            }))
        .isInstanceOf(ServletException.class);
    assertThat(MDC.get("environmentId")).isNull();
  }

  private Map<String, String> serve(String uri) throws ServletException, IOException {
    Map<String, String> seen = new HashMap<>();
    filter.doFilter(new MockHttpServletRequest("GET", uri), new MockHttpServletResponse(), (request, response) -> {
      Map<String, String> context = MDC.getCopyOfContextMap();
      if (context != null) {
        seen.putAll(context);
      }
    });
    return seen;
  }
}
