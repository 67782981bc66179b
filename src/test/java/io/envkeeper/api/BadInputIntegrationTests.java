package io.envkeeper.api;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every kind of bad input gets a clear problem+json answer and changes nothing. */
class BadInputIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";

  @Autowired JdbcTemplate jdbc;

  private long rowsBefore;
  private long managedDirectoriesBefore;

  @BeforeEach
  void countState() throws IOException {
    rowsBefore = rows();
    managedDirectoriesBefore = managedDirectories();
  }

  static Stream<Arguments> badCreates() throws IOException {
    Path file = Files.writeString(WORKSPACE_ROOT.resolve("file-" + UUID.randomUUID()), "x");
    Path escape = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("escape-" + UUID.randomUUID()), OUTSIDE);
    return Stream.of(
        Arguments.of("malformed JSON", "{\"name\":", 400, "malformed_json"),
        Arguments.of("empty body", "", 400, "malformed_json"),
        Arguments.of("trailing garbage", "{\"name\":\"a\"} x", 400, "malformed_json"),
        Arguments.of("array body", "[]", 400, "invalid_field"),
        Arguments.of("name of wrong type", "{\"name\":123}", 400, "invalid_field"),
        Arguments.of("labels of wrong type", "{\"name\":\"a\",\"labels\":[\"x\"]}", 400, "invalid_field"),
        Arguments.of("label value of wrong type", "{\"name\":\"a\",\"labels\":{\"k\":1}}", 400, "invalid_field"),
        Arguments.of("unknown field", "{\"name\":\"a\",\"owner\":\"me\"}", 400, "unknown_field"),
        Arguments.of("missing name", "{}", 400, "validation_failed"),
        Arguments.of("empty name", "{\"name\":\"\"}", 400, "validation_failed"),
        Arguments.of("name with a space", "{\"name\":\"a b\"}", 400, "validation_failed"),
        Arguments.of("name too long", "{\"name\":\"" + "a".repeat(101) + "\"}", 400, "validation_failed"),
        Arguments.of("bad label key", "{\"name\":\"a\",\"labels\":{\"a b\":\"v\"}}", 400, "validation_failed"),
        Arguments.of("null label value", "{\"name\":\"a\",\"labels\":{\"k\":null}}", 400, "validation_failed"),
        Arguments.of("path with ..", pathBody(WORKSPACE_ROOT + "/../" + WORKSPACE_ROOT.getFileName()), 400, "invalid_path"),
        Arguments.of("relative path", pathBody("relative/dir"), 400, "invalid_path"),
        Arguments.of("path with NUL", "{\"name\":\"a\",\"path\":\"" + WORKSPACE_ROOT + "/a\\u0000b\"}", 400, "invalid_path"),
        Arguments.of("absolute path outside roots", pathBody(OUTSIDE.toString()), 400, "path_not_allowed"),
        Arguments.of("symlink out of a root", pathBody(escape.toString()), 400, "path_not_allowed"),
        Arguments.of("a file", pathBody(file.toString()), 400, "path_not_directory"),
        Arguments.of("a missing directory", pathBody(WORKSPACE_ROOT.resolve("missing").toString()), 400, "path_not_found"),
        Arguments.of("oversized body", "{\"name\":\"" + "a".repeat(70_000) + "\"}", 413, "payload_too_large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreates")
  void badCreateIsRefusedAndChangesNothing(String label, String body, int status, String code) throws IOException {
    Response response = api().post(BASE, body);

    assertProblem(response, status, code);
    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(managedDirectories()).isEqualTo(managedDirectoriesBefore);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreates")
  void badCreateSentChunkedIsRefusedTheSameWay(String label, String body, int status, String code) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api().uri(BASE))
            .header("Content-Type", "application/json")
            // A publisher of unknown length makes the client send the body chunked.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes())));

    assertProblem(api().send(request), status, code);
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  static Stream<Arguments> badRequests() {
    String unknown = UUID.randomUUID().toString();
    return Stream.of(
        Arguments.of("GET", BASE + "/not-a-uuid", 400, "invalid_id"),
        Arguments.of("DELETE", BASE + "/not-a-uuid", 400, "invalid_id"),
        Arguments.of("GET", BASE + "/not-a-uuid/workspace", 400, "invalid_id"),
        Arguments.of("GET", BASE + "/" + unknown, 404, "environment_not_found"),
        Arguments.of("DELETE", BASE + "/" + unknown, 404, "environment_not_found"),
        Arguments.of("GET", BASE + "/" + unknown + "/workspace", 404, "environment_not_found"),
        Arguments.of("GET", BASE + "?limit=0", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?limit=501", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?limit=ten", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?status=GONE", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?label=nocolon", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?label=:v", 400, "invalid_parameter"),
        Arguments.of("GET", BASE + "?cursor=%21%21", 400, "invalid_cursor"),
        Arguments.of("GET", BASE + "?cursor=bm90LWEtY3Vyc29y", 400, "invalid_cursor"),
        Arguments.of("DELETE", BASE + "/" + unknown + "?wait=PT61S", 400, "invalid_parameter"),
        Arguments.of("DELETE", BASE + "/" + unknown + "?wait=soon", 400, "invalid_parameter"),
        Arguments.of("DELETE", BASE + "/" + unknown + "?wait=-PT1S", 400, "invalid_parameter"),
        Arguments.of("PUT", BASE, 405, "method_not_allowed"),
        Arguments.of("GET", "/api/v1/no-such-thing", 404, "not_found"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badRequests")
  void badRequestGetsAProblemAndChangesNothing(String method, String path, int status, String code) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api().uri(path)).method(method, HttpRequest.BodyPublishers.noBody());

    assertProblem(api().send(request), status, code);
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  @ParameterizedTest(name = "Content-Type {0}")
  @MethodSource("wrongContentTypes")
  void wrongContentTypeIsUnsupported(String contentType) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api().uri(BASE))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}"));

    assertProblem(api().send(request), 415, "unsupported_media_type");
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  static Stream<String> wrongContentTypes() {
    return Stream.of("text/plain", "application/xml", "application/x-www-form-urlencoded");
  }

  private static String pathBody(String path) {
    return "{\"name\":\"a\",\"path\":" + io.envkeeper.support.ApiClient.quote(path) + "}";
  }

  private long rows() {
    return jdbc.queryForObject("SELECT count(*) FROM environment", Long.class);
  }

  private static long managedDirectories() throws IOException {
    try (Stream<Path> entries = Files.list(MANAGED_ROOT)) {
      return entries.count();
    }
  }
}
