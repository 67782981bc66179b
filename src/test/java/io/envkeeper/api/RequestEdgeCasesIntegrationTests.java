package io.envkeeper.api;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.RawHttp;
import io.envkeeper.support.TestTokens;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The edges of the request surface: each is a clear 4xx problem with a documented code, says
 * nothing in Java terms, and changes nothing. An event stream that ends, ends cleanly.
 */
@TestPropertySource(properties = {
  "envkeeper.workers.profiles.echo.command[0]=echo",
  "envkeeper.workers.profiles.echo.allow-args=true"
})
class RequestEdgeCasesIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  /** What a detail must never show: Java types, library internals, stack-trace vocabulary. */
  private static final List<String> INTERNALS = List.of(
      "java.", "javax.", "jakarta.", "tools.jackson", "com.fasterxml", "org.springframework", "org.apache",
      "io.envkeeper", "Exception", "StreamReadConstraints", "mimeType", "`", "\tat ");

  @Autowired JdbcTemplate jdbc;

  private long rowsBefore;

  @BeforeEach
  void countRows() {
    rowsBefore = rows();
  }

  // Authorization

  @Test
  void twoAuthorizationHeadersAreRefusedEvenWhenBothAreValid() {
    RawHttp raw = new RawHttp(port);
    for (List<byte[]> headers : List.of(
        List.of(RawHttp.bearer(TestTokens.ADMIN), RawHttp.bearer(TestTokens.ADMIN)),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A), RawHttp.bearer(TestTokens.ADMIN)),
        List.of(RawHttp.bearer(TestTokens.ADMIN), ascii("Authorization: Bearer ek_not-a-token")))) {
      List<byte[]> withBody = new java.util.ArrayList<>(headers);
      withBody.add(ascii("Content-Type: application/json"));

      RawHttp.Response response = raw.send(ascii("POST"), ascii(BASE), withBody, ascii("{\"name\":\"twice\"}"));

      assertThat(response.status()).as(response.body()).isEqualTo(401);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(response.body()).contains("\"code\":\"unauthorized\"");
    }
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  // Methods

  @ParameterizedTest
  @ValueSource(strings = {"FOO", "PROPFIND", "TRACE"})
  void aMethodTheApiDoesNotKnowIsMethodNotAllowed(String method) {
    RawHttp.Response response =
        new RawHttp(port).send(ascii(method), ascii(BASE), List.of(RawHttp.bearer(TestTokens.CLIENT_A)), null);

    assertThat(response.status()).as(response.body()).isEqualTo(405);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body()).contains("\"code\":\"method_not_allowed\"");
    assertThat(response.header("Allow")).isNotBlank();
  }

  @Test
  void anUnknownMethodOnAKnownRouteNamesTheMethodsItTakes() {
    RawHttp.Response response =
        new RawHttp(port).send(ascii("FOO"), ascii(BASE), List.of(RawHttp.bearer(TestTokens.CLIENT_A)), null);

    assertThat(response.header("Allow")).contains("GET").contains("POST");
  }

  // Bodies

  @ParameterizedTest(name = "{0}")
  @MethodSource("trailingContent")
  void contentAfterTheBodyObjectIsMalformedJson(String label, String body) {
    assertProblem(api().as(TestTokens.CLIENT_A).post(BASE, body), 400, "malformed_json");
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  static Stream<Arguments> trailingContent() {
    return Stream.of(
        Arguments.of("a second object", "{\"name\":\"a\"} {}"),
        Arguments.of("a second value", "{\"name\":\"a\"} 1"),
        Arguments.of("garbage", "{\"name\":\"a\"}x"),
        Arguments.of("a closing brace too many", "{\"name\":\"a\"}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\ud800", "\\udfff", "a\\ud800b", "\\udc00\\ud800"})
  void aLoneSurrogateInALabelValueIsRefusedNotChanged(String escaped) {
    Response response =
        api().as(TestTokens.CLIENT_A).post(BASE, "{\"name\":\"s\",\"labels\":{\"k\":\"" + escaped + "\"}}");

    assertProblem(response, 400, "validation_failed");
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  @Test
  void aPairedSurrogateInALabelValueIsKept() {
    Response created = api().as(TestTokens.CLIENT_A).post(BASE, "{\"name\":\"s\",\"labels\":{\"k\":\"\\ud83d\\ude00\"}}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("labels").get("k").asString()).isEqualTo("\uD83D\uDE00");
    api().delete(BASE + "/" + created.json().get("id").asString() + "?wait=PT10S");
  }

  @Test
  void aLoneSurrogateInAWorkerArgumentIsRefusedNotChanged() {
    String environment = api().as(TestTokens.CLIENT_A).post(BASE, "{\"name\":\"args\"}").json().get("id").asString();
    long workers = jdbc.queryForObject("SELECT count(*) FROM worker", Long.class);

    Response response = api().as(TestTokens.CLIENT_A)
        .post(BASE + "/" + environment + "/workers", "{\"profile\":\"echo\",\"args\":[\"a\\ud800\"]}");

    assertProblem(response, 400, "invalid_args");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM worker", Long.class)).isEqualTo(workers);
    api().delete(BASE + "/" + environment + "?wait=PT10S");
  }

  // Details

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRequests")
  void aDetailNeverShowsJavaTypesOrLibraryInternals(String label, Function<ApiClient, Response> request) {
    Response response = request.apply(api().as(TestTokens.CLIENT_A));

    assertThat(response.status()).as(response.body()).isBetween(400, 499);
    JsonNode problem = response.json();
    assertThat(problem.get("code").asString()).isNotBlank();
    assertThat(problem.get("detail").asString()).as(label).doesNotContain(INTERNALS);
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  static Stream<Arguments> malformedRequests() {
    return Stream.of(
        malformed("number longer than allowed", post("{\"name\":\"a\",\"labels\":{\"k\":" + "1".repeat(1200) + "}}")),
        malformed("nesting deeper than allowed", post("{\"x\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}")),
        malformed("string where an object belongs", post("{\"name\":\"a\",\"labels\":\"x\"}")),
        malformed("array body", post("[1,2]")),
        malformed("number where a string belongs", post("{\"name\":12}")),
        malformed("content type that is not one", postAs(";;;", "{}")),
        malformed("content type with a bad charset", postAs("application/json; charset=klingon", "{}")),
        malformed("content type with bad parameters", postAs("application/json; =", "{}")),
        malformed("accept nothing we make", client -> client.send(
            HttpRequest.newBuilder(client.uri(BASE)).header("Accept", "image/png").GET())),
        malformed("accept that is not a media type", client -> client.send(
            HttpRequest.newBuilder(client.uri(BASE)).header("Accept", "//;;").GET())),
        malformed("id that is not a UUID", client -> client.get(BASE + "/not-a-uuid")),
        malformed("unknown field", post("{\"name\":\"a\",\"nope\":1}")),
        malformed("invalid escape", post("{\"name\":\"\\q\"}")),
        malformed("truncated", post("{\"name\":")),
        malformed("method on a route without it", client -> client.request("PUT", BASE, null)));
  }

  private static Arguments malformed(String label, Function<ApiClient, Response> request) {
    return Arguments.of(label, request);
  }

  private static Function<ApiClient, Response> post(String body) {
    return client -> client.post(BASE, body);
  }

  private static Function<ApiClient, Response> postAs(String contentType, String body) {
    return client -> client.post(BASE, body, Map.of("Content-Type", contentType));
  }

  // Event streams

  /**
   * A stream ended by the server (here: the environment is destroyed) finishes its chunked body
   * with the zero-length chunk: clients see a clean end, not a connection cut mid-body.
   */
  @Test
  void anEventStreamThatEndsSendsItsFinalChunk() {
    ApiClient client = api().as(TestTokens.CLIENT_A);
    String environment = client.post(BASE, "{\"name\":\"ending\"}").json().get("id").asString();
    try (RawHttp.RawStream stream = new RawHttp(port).openStream(
        ascii(BASE + "/" + environment + "/events"),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A), ascii("Accept: text/event-stream")))) {
      String head = stream.awaitText(":envkeeper " + environment);
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");

      assertThat(client.delete(BASE + "/" + environment + "?wait=PT10S").status()).isEqualTo(200);

      String all = stream.readToEnd();
      assertThat(all).contains("event:destroyed").endsWith("\r\n0\r\n\r\n");
    }
  }

  private long rows() {
    return jdbc.queryForObject("SELECT count(*) FROM environment", Long.class);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
