package io.envkeeper.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient.Response;

/** The shape every error of the API has: problem+json with type, title, status, detail and code. */
public final class ProblemAssertions {

  private ProblemAssertions() {}

  public static void assertProblem(Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.code()).isEqualTo(code);
    assertThat(response.json().get("status").asInt()).isEqualTo(status);
    assertThat(response.json().get("title").asString()).isNotBlank();
    assertThat(response.json().get("detail").asString()).isNotBlank().doesNotContain("Exception", "java.");
    assertThat(response.json().get("type").asString()).isNotBlank();
  }
}
