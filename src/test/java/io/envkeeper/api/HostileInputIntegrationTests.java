package io.envkeeper.api;

import static io.envkeeper.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.ApiClient.Response;
import io.envkeeper.support.IntegrationTest;
import io.envkeeper.support.RawHttp;
import io.envkeeper.support.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Attacks on paths, URLs, headers and bodies. Each is refused with a problem+json answer (never a
 * 5xx, never an HTML page) and changes nothing: no row, no directory, nothing outside a root.
 */
class HostileInputIntegrationTests extends IntegrationTest {

  private static final String BASE = "/api/v1/environments";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired JdbcTemplate jdbc;

  private long rowsBefore;
  private long managedBefore;

  @BeforeEach
  void countState() throws IOException {
    rowsBefore = rows();
    managedBefore = managedDirectories();
  }

  // Paths in a create body.

  static Stream<Arguments> hostilePaths() throws IOException {
    Path outsideFile = Files.writeString(OUTSIDE.resolve("secret-" + UUID.randomUUID()), "secret");
    Path escape = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("escape-" + UUID.randomUUID()), OUTSIDE);
    Path hop = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("hop-" + UUID.randomUUID()), escape);
    Path toRoot = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("to-root-" + UUID.randomUUID()), WORKSPACE_ROOT);
    Path toFile = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("to-file-" + UUID.randomUUID()), outsideFile);
    Path toManaged = Files.createSymbolicLink(WORKSPACE_ROOT.resolve("to-managed-" + UUID.randomUUID()), MANAGED_ROOT);
    String root = WORKSPACE_ROOT.toString();
    return Stream.of(
        Arguments.of("dot-dot back into the root", json(root + "/../" + WORKSPACE_ROOT.getFileName() + "/x"), "invalid_path"),
        Arguments.of("dot-dot out of the root", json(root + "/../../../../etc"), "invalid_path"),
        Arguments.of("absolute outside every root", json("/etc"), "path_not_allowed"),
        Arguments.of("the file system root", json("/"), "path_not_allowed"),
        Arguments.of("the workspace root itself", json(root), "path_not_allowed"),
        Arguments.of("symlink out of the root", json(escape.toString()), "path_not_allowed"),
        Arguments.of("symlink out through a chain of symlinks", json(hop.toString()), "path_not_allowed"),
        Arguments.of("symlink to the root itself", json(toRoot.toString()), "path_not_allowed"),
        // Outside the roots: refused as such, before anything tells whether it exists or what it is.
        Arguments.of("symlink to a file outside", json(toFile.toString()), "path_not_allowed"),
        Arguments.of("a file outside every root", json(outsideFile.toString()), "path_not_allowed"),
        Arguments.of("a file of the host", json("/etc/shadow"), "path_not_allowed"),
        Arguments.of("nothing, outside every root", json("/etc/no-such-" + UUID.randomUUID()), "path_not_allowed"),
        Arguments.of("symlink to the managed root", json(toManaged.toString()), "path_not_allowed"),
        Arguments.of("path through a symlink out of the root", json(escape + "/sub"), "path_not_allowed"),
        Arguments.of("NUL byte", "\"" + root + "/a\\u0000b\"", "invalid_path"),
        Arguments.of("NUL byte at the end", "\"" + root + "\\u0000\"", "invalid_path"),
        Arguments.of("very long path", json(root + "/" + "a/".repeat(2500)), "invalid_path"),
        Arguments.of("name longer than NAME_MAX", json(root + "/" + "n".repeat(300)), "path_not_found"),
        Arguments.of("lone UTF-16 surrogate (not encodable as UTF-8)", "\"" + root + "/\\ud800\"", "invalid_path"),
        Arguments.of("relative", json("relative/dir"), "invalid_path"),
        Arguments.of("home shorthand", json("~/x"), "invalid_path"),
        Arguments.of("empty", json(""), "invalid_path"),
        Arguments.of("newline inside", json(root + "/a\nb"), "path_not_found"),
        Arguments.of("percent-encoded dot-dot is just a name", json(root + "/%2e%2e/%2e%2e/etc"), "path_not_found"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostilePaths")
  void hostilePathIsRefusedAndCreatesNothing(String label, String pathJson, String code) throws IOException {
    Response response = api().as(TestTokens.CLIENT_A).post(BASE, "{\"name\":\"hostile\",\"path\":" + pathJson + "}");

    assertProblem(response, 400, code);
    assertUnchanged();
  }

  // Symlinks swapped in after validation.

  @Test
  void managedWorkspaceSwappedForASymlinkLosesOnlyTheLinkOnDestroy() throws IOException {
    Path outside = Files.createDirectory(OUTSIDE.resolve("target-" + UUID.randomUUID()));
    Files.writeString(outside.resolve("precious"), "keep");
    Response created = api().post(BASE, "{\"name\":\"swapped\"}");
    Path workspace = Path.of(created.json().get("path").asString());
    Path movedAway = Files.move(workspace, OUTSIDE.resolve("moved-" + UUID.randomUUID()));
    Files.createSymbolicLink(workspace, outside);

    Response destroyed = api().delete(BASE + "/" + created.json().get("id").asString() + "?wait=PT10S");

    assertThat(destroyed.status()).isEqualTo(200);
    assertThat(Files.exists(workspace, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious")).hasContent("keep");
    assertThat(movedAway).isDirectory();
  }

  @Test
  void directoryInsideAManagedWorkspaceSwappedForASymlinkKeepsItsTargetIntact() throws IOException {
    Path outside = Files.createDirectory(OUTSIDE.resolve("inner-target-" + UUID.randomUUID()));
    Files.writeString(outside.resolve("precious"), "keep");
    Response created = api().post(BASE, "{\"name\":\"inner-swap\"}");
    Path workspace = Path.of(created.json().get("path").asString());
    Files.createDirectories(workspace.resolve("build/out"));
    Files.writeString(workspace.resolve("build/out/artifact"), "x");
    Files.createSymbolicLink(workspace.resolve("link-to-outside"), outside);
    Files.createSymbolicLink(workspace.resolve("build/out/file-link"), outside.resolve("precious"));

    assertThat(api().delete(BASE + "/" + created.json().get("id").asString() + "?wait=PT10S").status()).isEqualTo(200);

    assertThat(workspace).doesNotExist();
    assertThat(outside.resolve("precious")).hasContent("keep");
  }

  @Test
  void unmanagedWorkspaceSwappedForASymlinkIsNeverDeletedNorFollowed() throws IOException {
    Path project = Files.createDirectory(WORKSPACE_ROOT.resolve("project-" + UUID.randomUUID()));
    Response created = api().post(BASE, "{\"name\":\"unmanaged\",\"path\":" + json(project.toString()) + "}");
    assertThat(created.status()).isEqualTo(201);
    Path outside = Files.createDirectory(OUTSIDE.resolve("unmanaged-target-" + UUID.randomUUID()));
    Files.writeString(outside.resolve("precious"), "keep");
    Files.delete(project);
    Files.createSymbolicLink(project, outside);

    assertThat(api().delete(BASE + "/" + created.json().get("id").asString() + "?wait=PT10S").status()).isEqualTo(200);

    assertThat(outside.resolve("precious")).hasContent("keep");
    assertThat(Files.isSymbolicLink(project)).isTrue();
  }

  // URLs the container, the firewall or the API refuse.

  static Stream<Arguments> hostileTargets() {
    String id = UUID.randomUUID().toString();
    return Stream.of(
        Arguments.of("non-UTF-8 bytes in the path", bytes(BASE + "/", 0xff, 0xfe)),
        Arguments.of("percent-encoded non-UTF-8 in the path", ascii(BASE + "/%ff%fe")),
        Arguments.of("overlong UTF-8 slash in the path", ascii(BASE + "/%c0%af" + id)),
        Arguments.of("invalid percent-encoding in the path", ascii(BASE + "/%zz")),
        Arguments.of("truncated percent-encoding in the path", ascii(BASE + "/%f")),
        Arguments.of("encoded NUL in the path", ascii(BASE + "/%00")),
        Arguments.of("raw NUL in the path", bytes(BASE + "/", 0x00)),
        Arguments.of("control character in the path", bytes(BASE + "/", 0x01)),
        Arguments.of("space in the path", ascii(BASE + "/a b")),
        Arguments.of("encoded slash", ascii(BASE + "/" + id + "%2fworkspace")),
        Arguments.of("encoded dot-dot", ascii(BASE + "/%2e%2e/%2e%2e/actuator")),
        Arguments.of("plain dot-dot", ascii(BASE + "/../../actuator/prometheus")),
        Arguments.of("backslash", ascii(BASE + "/%5c..%5c")),
        Arguments.of("semicolon path parameter", ascii(BASE + "/" + id + ";x=1/workspace")),
        Arguments.of("double slash", ascii("/api/v1//environments")),
        Arguments.of("very long path", ascii(BASE + "/" + "a".repeat(9000))),
        Arguments.of("absolute-form target", ascii("http://evil.example" + BASE)),
        Arguments.of("asterisk target", ascii("*")),
        Arguments.of("non-UTF-8 in the query", ascii(BASE + "?status=%ff")),
        Arguments.of("overlong UTF-8 in the query", ascii(BASE + "?status=%C0%AF")),
        Arguments.of("invalid percent-encoding in the query", ascii(BASE + "?limit=%zz")),
        Arguments.of("NUL in the query", ascii(BASE + "?label=%00:%00")),
        Arguments.of("very long query", ascii(BASE + "?label=" + "k:v,".repeat(3000))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileTargets")
  void hostileUrlIsABadRequestProblem(String label, byte[] target) throws IOException {
    RawHttp raw = new RawHttp(port);
    byte[] body = "{\"name\":\"via-hostile-url\"}".getBytes(StandardCharsets.UTF_8);

    for (String method : List.of("GET", "POST", "DELETE")) {
      RawHttp.Response response = raw.send(method.getBytes(StandardCharsets.US_ASCII), target,
          List.of(RawHttp.bearer(TestTokens.CLIENT_A), ascii("Content-Type: application/json")), body);
      assertThat(response.status()).as(method + " " + label + ": " + response.body()).isEqualTo(400);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(JSON.readTree(response.body()).get("code").asString()).isNotBlank();
    }
    assertUnchanged();
  }

  // Headers.

  static Stream<Arguments> hostileHeaders() {
    return Stream.of(
        Arguments.of("NUL in a header", bytes("Idempotency-Key: a", 0x00, 'b'), 400),
        Arguments.of("non-ASCII Idempotency-Key", bytes("Idempotency-Key: ", 0xc3, 0xa9), 400),
        Arguments.of("space in Idempotency-Key", ascii("Idempotency-Key: a b"), 400),
        Arguments.of("oversized Idempotency-Key", ascii("Idempotency-Key: " + "k".repeat(256)), 400),
        Arguments.of("oversized header", ascii("X-Padding: " + "p".repeat(20_000)), 400),
        Arguments.of("header without a colon", ascii("NotAHeader"), 400),
        Arguments.of("control character in a header value", bytes("X-Thing: a", 0x07, 'b'), 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileHeaders")
  void hostileHeaderIsRefusedAndCreatesNothing(String label, byte[] header, int status) throws IOException {
    RawHttp.Response response = new RawHttp(port).send(ascii("POST"), ascii(BASE),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A), ascii("Content-Type: application/json"), header),
        "{\"name\":\"via-hostile-header\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).as(label + ": " + response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertUnchanged();
  }

  @Test
  void authorizationThatIsNotAsciiIsUnauthorized() {
    RawHttp.Response response = new RawHttp(port).get(ascii(BASE), List.of(bytes("Authorization: Bearer ", 0xff, 0xfe)));

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  // Bodies.

  static Stream<Arguments> hostileBodies() {
    return Stream.of(
        Arguments.of("not UTF-8", bytes("{\"name\":\"a", 0xff, 0xfe, '"', '}'), "malformed_json"),
        // Overlong UTF-8 for '.', '.', '/': whatever the decoder makes of it, the path policy judges the
        // decoded text, so no "..", hidden or not, gets through.
        Arguments.of("overlong UTF-8 dot-dot-slash in a path",
            bytes("{\"name\":\"a\",\"path\":\"" + WORKSPACE_ROOT + "/", 0xc0, 0xae, 0xc0, 0xae, 0xc0, 0xaf, 'e', 't', 'c', '"', '}'),
            "invalid_path"),
        Arguments.of("NUL bytes", bytes("{\"name\":\"a\"}", 0x00, 0x00), "malformed_json"),
        Arguments.of("duplicate field", ascii("{\"name\":\"a\",\"name\":\"b\"}"), "malformed_json"),
        Arguments.of("duplicate label", ascii("{\"name\":\"a\",\"labels\":{\"k\":\"1\",\"k\":\"2\"}}"), "malformed_json"),
        Arguments.of("deep nesting where strings belong", ascii("{\"name\":\"a\",\"labels\":" + "[".repeat(64) + "]".repeat(64) + "}"), "invalid_field"),
        Arguments.of("deep nesting in an unknown field", ascii("{\"x\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}"), "body_too_complex"),
        Arguments.of("unknown field", ascii("{\"name\":\"a\",\"tenant\":\"tenant-b\"}"), "unknown_field"),
        Arguments.of("an id chosen by the client", ascii("{\"name\":\"a\",\"id\":\"" + UUID.randomUUID() + "\"}"), "unknown_field"),
        Arguments.of("too many labels", ascii(manyLabels(33)), "validation_failed"),
        // Found by the fuzz test: PostgreSQL cannot store NUL in jsonb, so this was a 500.
        Arguments.of("NUL in a label value", ascii("{\"name\":\"a\",\"labels\":{\"k\":\"\\u0000\"}}"), "validation_failed"),
        Arguments.of("terminal escape in a label value", ascii("{\"name\":\"a\",\"labels\":{\"k\":\"\\u001b[2J\"}}"), "validation_failed"),
        Arguments.of("huge number", ascii("{\"name\":1" + "0".repeat(2000) + "}"), "body_too_complex"),
        Arguments.of("JSON null body", ascii("null"), "malformed_json"),
        Arguments.of("a bare string", ascii("\"name\""), "invalid_field"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void hostileBodyIsRefusedAndCreatesNothing(String label, byte[] body, String code) throws IOException {
    RawHttp.Response response = new RawHttp(port).send(ascii("POST"), ascii(BASE),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A), ascii("Content-Type: application/json")), body);

    assertThat(response.status()).as(label + ": " + response.body()).isEqualTo(400);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
    assertUnchanged();
  }

  @Test
  void bodyFarOverTheCapIsRefusedBeforeItIsRead() throws IOException {
    byte[] huge = new byte[4 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'a');

    RawHttp.Response response = new RawHttp(port).send(ascii("POST"), ascii(BASE),
        List.of(RawHttp.bearer(TestTokens.CLIENT_A), ascii("Content-Type: application/json")), huge);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertUnchanged();
  }

  @Test
  void missingOrWrongContentTypeIsUnsupported() throws IOException {
    for (String contentType : List.of("", "text/plain", "application/json-patch+json", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "*/*", "application/jsonx")) {
      HttpRequest.Builder request = HttpRequest.newBuilder(api().uri(BASE))
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"typed\"}"));
      if (!contentType.isEmpty()) {
        request.header("Content-Type", contentType);
      }
      assertProblem(api().as(TestTokens.CLIENT_A).send(request), 415, "unsupported_media_type");
    }
    assertUnchanged();
  }

  @Test
  void unknownHttpMethodsAreProblems() {
    RawHttp raw = new RawHttp(port);
    for (String method : List.of("TRACE", "PROPFIND", "FOO", "get")) {
      RawHttp.Response response = raw.send(ascii(method), ascii(BASE), List.of(RawHttp.bearer(TestTokens.CLIENT_A)), null);
      assertThat(response.status()).as(method).isBetween(400, 499);
      assertThat(response.header("Content-Type")).as(method).startsWith("application/problem+json");
    }
  }

  /** Tomcat answers CONNECT itself, before any filter: 501, as problem+json like everything else. */
  @Test
  void connectIsNotImplemented() {
    RawHttp.Response response =
        new RawHttp(port).send(ascii("CONNECT"), ascii(BASE), List.of(RawHttp.bearer(TestTokens.CLIENT_A)), null);

    assertThat(response.status()).isEqualTo(501);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  private void assertUnchanged() throws IOException {
    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(managedDirectories()).isEqualTo(managedBefore);
  }

  private long rows() {
    return jdbc.queryForObject("SELECT count(*) FROM environment", Long.class);
  }

  private static long managedDirectories() throws IOException {
    try (Stream<Path> entries = Files.list(MANAGED_ROOT)) {
      return entries.count();
    }
  }

  private static String json(String text) {
    return ApiClient.quote(text);
  }

  private static String manyLabels(int count) {
    StringBuilder labels = new StringBuilder("{\"name\":\"a\",\"labels\":{");
    for (int i = 0; i < count; i++) {
      labels.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return labels.append("}}").toString();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String prefix, int... tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii(prefix));
    for (int b : tail) {
      out.write(b);
    }
    return out.toByteArray();
  }
}
