package io.envkeeper.security;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.JarSandbox;
import io.envkeeper.support.ServiceProcess;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local development as the README tells it: the packaged jar with nothing configured prints a
 * development admin token on its first start, once; a second start on the same data prints none
 * and says where to get one, and the first token still works.
 */
class DevelopmentTokenJarTests {

  private static final String BASE = "/api/v1/environments";
  private static final Pattern PRINTED_TOKEN = Pattern.compile("TOKEN=(ek_[A-Za-z0-9_-]{43})");

  private JarSandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = JarSandbox.create("jar-dev-token");
  }

  @AfterEach
  void leaveNothingRunning() {
    sandbox.close();
  }

  @Test
  void firstStartPrintsAWorkingAdminTokenOnceAndLaterStartsNever() {
    String token;
    try (ServiceProcess first = ServiceProcess.startWithoutTestTokens(sandbox.home(), sandbox.arguments())) {
      String log = first.log();
      Matcher printed = PRINTED_TOKEN.matcher(log);
      assertThat(printed.find()).as("token printed in:%n%s", log).isTrue();
      token = printed.group(1);
      assertThat(printed.find()).as("printed twice").isFalse();
      assertThat(log).contains("curl -H \"Authorization: Bearer $TOKEN\" http://localhost:");

      ApiClient api = first.api().as(token);
      Response created = api.post(BASE, "{\"name\":\"dev\"}");
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().get("tenant").asString()).isEqualTo("default");
      assertThat(api.get("/actuator/prometheus").status()).isEqualTo(200);
      assertProblem(first.api().anonymous().get(BASE), 401, "unauthorized");
      assertProblem(first.api().get(BASE), 401, "unauthorized"); // the test tokens are not configured here
      assertThat(first.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }

    try (ServiceProcess second = ServiceProcess.startWithoutTestTokens(sandbox.home(), sandbox.arguments())) {
      String log = second.log();
      assertThat(log).doesNotContain(token).doesNotContain("TOKEN=");
      assertThat(log).contains("POST /api/v1/admin/tokens").contains("envkeeper.security.tokens");
      assertThat(second.api().as(token).get(BASE).status()).isEqualTo(200);
      assertThat(second.stop(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }
}
