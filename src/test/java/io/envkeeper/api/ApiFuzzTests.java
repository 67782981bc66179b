package io.envkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.ApiClient;
import io.envkeeper.support.RawHttp;
import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Property-based fuzzing of every endpoint that exists: thousands of random methods, paths, query
 * strings, headers, tokens and bodies (well-formed JSON of random shape and depth, near-JSON, raw
 * bytes), sent byte for byte over a socket. Whatever comes in:
 *
 * <ul>
 *   <li>the answer is never a 5xx, and every error is problem+json with a code;
 *   <li>a refused request (4xx) creates nothing: no environment or token row, no directory;
 *   <li>an accepted one creates at most the one thing it asked for.
 * </ul>
 *
 * Runs its own application (own node id, directories and generous rate limit; a low environment
 * limit, so that limit is hit too).
 */
class ApiFuzzTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ENVIRONMENTS = "/api/v1/environments";
  private static final String TOKENS = "/api/v1/admin/tokens";

  private static ConfigurableApplicationContext application;
  private static RawHttp http;
  private static JdbcTemplate jdbc;
  private static Path root;
  private static Path managedRoot;
  private static Path outside;
  private static Fixtures fixtures;

  /** Ids and paths the generators draw from, made before the first try. */
  private record Fixtures(
      String readyOfA, String destroyedOfA, String readyOfB, String tokenId, List<String> validPaths,
      List<String> hostilePaths, String workerOfA) {}

  /** One generated request; {@link #toString()} is what a failure report shows. */
  record FuzzRequest(String method, byte[] target, List<byte[]> headers, byte[] body) {

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(method).append(' ').append(printable(target));
      headers.forEach(header -> text.append("\n  ").append(printable(header)));
      if (body != null) {
        text.append("\n  body (").append(body.length).append(" bytes): ")
            .append(printable(body.length > 300 ? java.util.Arrays.copyOf(body, 300) : body));
      }
      return text.toString();
    }
  }

  @BeforeContainer
  static void startApplication() throws IOException {
    root = TestDirectories.create("fuzz-root");
    managedRoot = TestDirectories.create("fuzz-managed");
    outside = TestDirectories.create("fuzz-outside");
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.node.id=fuzz-node",
        "envkeeper.data-dir=" + TestDirectories.create("fuzz-data"),
        "envkeeper.workspace.roots[0]=" + root,
        "envkeeper.workspace.managed-root=" + managedRoot,
        "envkeeper.limits.max-environments-per-tenant=25",
        "envkeeper.limits.requests-per-second=100000",
        "envkeeper.limits.burst=100000",
        // Workers the fuzzed requests may start: `sleep 30 <args>` (args make it exit at once).
        "envkeeper.workers.profiles.fuzz.command=sleep,30",
        "envkeeper.workers.profiles.fuzz.allow-args=true",
        "envkeeper.workers.profiles.fuzz.max-per-environment=2",
        "envkeeper.workers.profiles.fuzz.stop-grace=200ms",
        "logging.level.io.envkeeper=WARN",
        "logging.level.org.springframework.web.servlet.PageNotFound=ERROR",
        "logging.level.org.apache.coyote.http11=WARN"));
    properties.addAll(TestTokens.propertyStrings());
    application = TestApplication.start(properties);
    int port = TestApplication.port(application);
    http = new RawHttp(port, Duration.ofSeconds(10));
    jdbc = application.getBean(JdbcTemplate.class);
    fixtures = makeFixtures(new ApiClient(port));
  }

  @AfterContainer
  static void stopApplication() {
    if (application != null) {
      application.close();
    }
  }

  @Property(tries = 2000)
  void noRequestGetsA5xxAndRefusedOnesChangeNothing(@ForAll("requests") FuzzRequest request) throws IOException {
    State before = State.now();

    RawHttp.Response response =
        http.send(request.method().getBytes(StandardCharsets.ISO_8859_1), request.target(), request.headers(), request.body());

    State after = State.now();
    Statistics.label("status").collect(response.status());
    Statistics.label("code").collect(response.status() >= 400 ? codeOf(response) : "-");
    String target = new String(request.target(), StandardCharsets.ISO_8859_1);
    if ("POST".equals(request.method()) && (target.equals(ENVIRONMENTS) || target.startsWith(ENVIRONMENTS + "?"))) {
      Statistics.label("creates").collect(response.status() + " " + (response.status() >= 400 ? codeOf(response) : ""));
    }
    String answer = response.status() + " " + response.headers() + " " + response.body();
    assertThat(response.status()).as("status of %s", answer).isBetween(200, 499);
    if (response.status() >= 400) {
      if (!"HEAD".equals(request.method())) {
        assertThat(response.header("Content-Type")).as("content type of %s", answer).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).as("code").matches("[a-z_]+");
        assertThat(problem.get("status").asInt()).isEqualTo(response.status());
      }
      assertThat(after.environments()).as("environment rows after a refused request").isEqualTo(before.environments());
      assertThat(after.tokens()).as("token rows after a refused request").isEqualTo(before.tokens());
      assertThat(after.workers()).as("worker rows after a refused request").isEqualTo(before.workers());
      // Directories may only disappear (a teardown accepted earlier may finish meanwhile).
      assertThat(after.directories()).as("managed directories after a refused request").isLessThanOrEqualTo(before.directories());
    } else {
      boolean creates = "POST".equals(request.method());
      assertThat(after.environments() - before.environments()).as("environment rows").isBetween(0L, creates ? 1L : 0L);
      assertThat(after.tokens() - before.tokens()).as("token rows").isBetween(0L, creates ? 1L : 0L);
      assertThat(after.workers() - before.workers()).as("worker rows").isBetween(0L, creates ? 1L : 0L);
      assertThat(after.directories() - before.directories()).as("managed directories").isLessThanOrEqualTo(creates ? 1L : 0L);
    }
  }

  private static String codeOf(RawHttp.Response response) {
    try {
      return JSON.readTree(response.body()).path("code").asString("?");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  private record State(long environments, long tokens, long directories, long workers) {

    static State now() throws IOException {
      try (Stream<Path> entries = Files.list(managedRoot)) {
        long directories = entries.count();
        return jdbc.queryForObject(
            "SELECT (SELECT count(*) FROM environment), (SELECT count(*) FROM client_token), (SELECT count(*) FROM worker)",
            (row, i) -> new State(row.getLong(1), row.getLong(2), directories, row.getLong(3)));
      }
    }
  }

  // Generators.

  /**
   * Three in five requests are well-formed HTTP to a real endpoint (so they reach the controllers,
   * the guard, the database and the disk); the rest are anything at all.
   */
  @Provide
  Arbitrary<FuzzRequest> requests() {
    Arbitrary<FuzzRequest> wellFormed =
        Combinators.combine(Arbitraries.of("GET", "POST", "POST", "DELETE"), cleanTargets(), cleanHeaders(), cleanBodies())
            .as(FuzzRequest::new);
    Arbitrary<FuzzRequest> anything = Combinators.combine(methods(), targets(), headers(), bodies()).as(FuzzRequest::new);
    return Arbitraries.frequencyOf(Tuple.of(3, wellFormed), Tuple.of(2, anything));
  }

  private static Arbitrary<byte[]> cleanTargets() {
    Arbitrary<String> id = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(fixtures.readyOfA(), fixtures.destroyedOfA(), fixtures.readyOfB())),
        Tuple.of(1, Arbitraries.create(() -> UUID.randomUUID().toString())));
    Arbitrary<String> path = Arbitraries.frequencyOf(
        Tuple.of(16, Arbitraries.just(ENVIRONMENTS)),
        Tuple.of(6, id.map(value -> ENVIRONMENTS + "/" + value)),
        Tuple.of(4, Combinators.combine(id, Arbitraries.of("workspace", "events", "workers", "workers/" + UUID.randomUUID()))
            .as((value, sub) -> ENVIRONMENTS + "/" + value + "/" + sub)),
        Tuple.of(3, Combinators.combine(id, Arbitraries.of(
                "workers/" + fixtures.workerOfA(), "workers/" + fixtures.workerOfA() + "/log",
                "workers/" + fixtures.workerOfA() + "/log?tail=5", "workers/" + fixtures.workerOfA() + "/log?tail=0",
                "workers/" + fixtures.workerOfA() + "/log?tail=x", "workspace?since=3", "workspace?since=-1",
                "workspace?since=99999999999999999999"))
            .as((value, sub) -> ENVIRONMENTS + "/" + value + "/" + sub)),
        Tuple.of(2, Arbitraries.just(TOKENS)),
        Tuple.of(1, Arbitraries.of(fixtures.tokenId(), UUID.randomUUID().toString()).map(value -> TOKENS + "/" + value)));
    Arbitrary<String> pair = Combinators.combine(
            Arbitraries.of("status", "label", "limit", "cursor", "wait"),
            Arbitraries.of("READY", "DESTROYED", "lbl:x", "team:a", "1", "10", "500", "PT0S", "PT2S", "MTA6YQ", "0", "x"))
        .as((key, value) -> key + "=" + value);
    Arbitrary<String> query = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just("")),
        Tuple.of(1, pair.list().ofMinSize(1).ofMaxSize(3).map(pairs -> "?" + String.join("&", pairs))));
    return Combinators.combine(path, query).as((p, q) -> (p + q).getBytes(StandardCharsets.US_ASCII));
  }

  private static Arbitrary<List<byte[]>> cleanHeaders() {
    Arbitrary<String> token = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just(TestTokens.CLIENT_A)),
        Tuple.of(3, Arbitraries.just(TestTokens.CLIENT_B)),
        Tuple.of(3, Arbitraries.just(TestTokens.ADMIN)));
    Arbitrary<String> key = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.of("k1", "k2", "k3").map(value -> "Idempotency-Key: " + value)));
    return Combinators.combine(token, key).as((t, k) -> {
      List<byte[]> lines = new ArrayList<>();
      lines.add(("Authorization: Bearer " + t).getBytes(StandardCharsets.US_ASCII));
      lines.add("Content-Type: application/json".getBytes(StandardCharsets.US_ASCII));
      if (!k.isEmpty()) {
        lines.add(k.getBytes(StandardCharsets.US_ASCII));
      }
      return lines;
    });
  }

  private static Arbitrary<byte[]> cleanBodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just((byte[]) null)),
        Tuple.of(6, validCreateBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(4, createBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(2, tokenBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(3, workerBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(1, mutatedBodies()));
  }

  /** Worker starts: the configured profile or not, args of every shape (never run by a shell). */
  private static Arbitrary<String> workerBodies() {
    Arbitrary<String> profile = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just("fuzz")),
        Tuple.of(1, Arbitraries.of("", "FUZZ", "sh", "../fuzz", "fuzz\u0000", "x".repeat(200))));
    Arbitrary<String> arg = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withChars("abc019 -;|&$`'\"()*").ofMaxLength(12)),
        Tuple.of(1, Arbitraries.of("$(touch /tmp/fuzz-pwned)", "\u0000", "x".repeat(2000), "; rm -rf /")));
    Arbitrary<List<String>> args = arg.list().ofMaxSize(40).injectNull(0.5);
    return Combinators.combine(profile, args).as((p, a) -> {
      Map<String, Object> body = new TreeMap<>();
      body.put("profile", p);
      if (a != null) {
        body.put("args", a);
      }
      return JSON.writeValueAsString(body);
    });
  }

  /** Creates that should succeed (until the tenant's limit or a path in use says otherwise). */
  private static Arbitrary<String> validCreateBodies() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> path = Arbitraries.of(fixtures.validPaths()).injectNull(0.8);
    Arbitrary<Map<String, String>> labels =
        Arbitraries.maps(Arbitraries.of("team", "kind", "a/b"), Arbitraries.strings().withChars("abc019 -").ofMaxLength(12))
            .ofMaxSize(3);
    return Combinators.combine(name, path, labels).as((n, p, l) -> {
      Map<String, Object> body = new TreeMap<>();
      body.put("name", n);
      if (p != null) {
        body.put("path", p);
      }
      body.put("labels", l);
      return JSON.writeValueAsString(body);
    });
  }

  private static Arbitrary<String> methods() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.just("GET")),
        Tuple.of(35, Arbitraries.just("POST")),
        Tuple.of(18, Arbitraries.just("DELETE")),
        Tuple.of(4, Arbitraries.of("PUT", "PATCH")),
        Tuple.of(4, Arbitraries.of("HEAD", "OPTIONS", "TRACE")),
        Tuple.of(2, Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8)
            .filter(method -> !method.equals("CONNECT"))));
  }

  private static Arbitrary<byte[]> targets() {
    return Combinators.combine(noisyPaths(), queries()).as(ApiFuzzTests::concat);
  }

  private static Arbitrary<byte[]> paths() {
    Arbitrary<String> id = ids();
    Arbitrary<String> sub = Arbitraries.oneOf(
        Arbitraries.of("workspace", "events", "workers", "log", "", "..", ".", "%2e%2e", "workers/" + UUID.randomUUID(),
            "workers/" + UUID.randomUUID() + "/log"),
        segments());
    return Arbitraries.frequencyOf(
            Tuple.of(25, Arbitraries.just(ENVIRONMENTS)),
            Tuple.of(25, id.map(value -> ENVIRONMENTS + "/" + value)),
            Tuple.of(20, Combinators.combine(id, sub).as((value, rest) -> ENVIRONMENTS + "/" + value + "/" + rest)),
            Tuple.of(8, Arbitraries.just(TOKENS)),
            Tuple.of(8, id.map(value -> TOKENS + "/" + value)),
            Tuple.of(5, Arbitraries.of("health", "health/liveness", "health/readiness", "health/db", "prometheus", "env",
                "beans", "heapdump", "", "info").map(endpoint -> "/actuator/" + endpoint)),
            Tuple.of(4, Arbitraries.of("/v3/api-docs", "/swagger-ui/index.html", "/", "/error", "/api", "/api/v2/environments",
                ENVIRONMENTS + "/", "/API/V1/ENVIRONMENTS")),
            Tuple.of(5, segments().list().ofMinSize(1).ofMaxSize(6).map(parts -> "/" + String.join("/", parts))))
        .map(path -> withoutLineBreaks(path).getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A path, now and then with raw bytes (not UTF-8, control characters) stuck to its end. */
  private static Arbitrary<byte[]> noisyPaths() {
    Arbitrary<byte[]> noise = Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.just(new byte[0])),
        Tuple.of(1, rawBytes(1, 8).map(ApiFuzzTests::withoutLineBreaks)));
    return Combinators.combine(paths(), noise).as(ApiFuzzTests::concat);
  }

  /** Environment and token ids: own, another tenant's, gone, unknown, not ids at all. */
  private static Arbitrary<String> ids() {
    return Arbitraries.frequencyOf(
        Tuple.of(15, Arbitraries.of(fixtures.readyOfA(), fixtures.destroyedOfA(), fixtures.readyOfB(), fixtures.tokenId())),
        Tuple.of(5, Arbitraries.of(fixtures.readyOfA().toUpperCase(), UUID.randomUUID().toString(), new UUID(0, 0).toString())),
        Tuple.of(4, Arbitraries.create(() -> UUID.randomUUID().toString())),
        Tuple.of(6, segments()));
  }

  /** Path segments: plain, percent-encoded (valid or not), dots, and characters that do not belong in a URL. */
  private static Arbitrary<String> segments() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withChars("abcXYZ019-._~").ofMinLength(1).ofMaxLength(40)),
        Tuple.of(3, percentEncoded()),
        Tuple.of(2, Arbitraries.of("..", ".", "%2e%2e", "%2E%2e%2f", "%2f", "%5c", ";x=1", "%00", "%ff", "%c0%af", "%zz", "%",
            "%%", "a%2", "~root", "$HOME", "*", "a b", "a\tb")),
        Tuple.of(1, Arbitraries.strings().withCharRange((char) 0x00, (char) 0xff).ofMinLength(1).ofMaxLength(12)),
        Tuple.of(1, Arbitraries.integers().between(256, 9000).map("x"::repeat)));
  }

  private static Arbitrary<String> percentEncoded() {
    return rawBytes(1, 24).map(bytes -> {
      StringBuilder encoded = new StringBuilder();
      for (byte b : bytes) {
        encoded.append('%').append(HexFormat.of().toHexDigits(b));
      }
      return encoded.toString();
    });
  }

  private static Arbitrary<byte[]> queries() {
    Arbitrary<String> key = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.of("status", "label", "limit", "cursor", "wait", "since", "tail")),
        Tuple.of(2, segments()));
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("READY", "destroyed", "GONE", "team:a", "k:", ":v", "0", "1", "50", "500", "501", "-1",
            "99999999999999999999", "PT1S", "PT0S", "PT60S", "PT61S", "-PT1S", "P1D", "soon", "bm90LWEtY3Vyc29y",
            "MTA6" + UUID.randomUUID(), "", "true")),
        Tuple.of(3, segments()),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(30).map(text -> java.net.URLEncoder.encode(text, StandardCharsets.UTF_8))));
    Arbitrary<String> pair = Combinators.combine(key, value).as((k, v) -> k + "=" + v);
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just("")),
        Tuple.of(6, pair.list().ofMinSize(1).ofMaxSize(5).map(pairs -> "?" + String.join("&", pairs))),
        Tuple.of(1, Arbitraries.of("?", "?&", "?=", "?&&=&", "?" + "a=b&".repeat(2000))))
        .map(query -> withoutLineBreaks(query).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Arbitrary<List<byte[]>> headers() {
    Arbitrary<String> authorization = Arbitraries.frequencyOf(
        Tuple.of(35, Arbitraries.just("Authorization: Bearer " + TestTokens.CLIENT_A)),
        Tuple.of(20, Arbitraries.just("Authorization: Bearer " + TestTokens.CLIENT_B)),
        Tuple.of(20, Arbitraries.just("Authorization: Bearer " + TestTokens.ADMIN)),
        Tuple.of(10, Arbitraries.just("")),
        Tuple.of(8, Arbitraries.of("Authorization: Bearer", "Authorization: Basic YTpi", "Authorization: Bearer ek_" + "x".repeat(43),
            "Authorization: Bearer " + TestTokens.CLIENT_A + "x", "Authorization: Bearer " + "a".repeat(600),
            "Authorization: bearer " + TestTokens.ADMIN, "Authorization: Bearer " + TestTokens.CLIENT_A + ", Bearer " + TestTokens.ADMIN)),
        Tuple.of(2, segments().map(ApiFuzzTests::withoutLineBreaks).map(token -> "Authorization: Bearer " + token)));
    Arbitrary<String> contentType = Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.just("Content-Type: application/json")),
        Tuple.of(5, Arbitraries.just("")),
        Tuple.of(5, Arbitraries.of("Content-Type: text/plain", "Content-Type: application/xml",
            "Content-Type: application/x-www-form-urlencoded", "Content-Type: application/json; charset=utf-16",
            "Content-Type: application/json; charset=latin1", "Content-Type: application/problem+json",
            "Content-Type: multipart/form-data; boundary=x", "Content-Type: */*", "Content-Type: ;;;", "Content-Type: application/json, text/plain")));
    Arbitrary<String> extra = Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.just("")),
        Tuple.of(4, Arbitraries.of("a", "retry-1", "k".repeat(255), "k".repeat(256), "", "a b", "ü")
            .map(key -> "Idempotency-Key: " + key)),
        Tuple.of(2, Arbitraries.of("Accept: text/html", "Accept: application/xml", "Accept: */*", "Accept: ;",
            "Expect: 100-continue", "X-Forwarded-For: 127.0.0.1", "Cookie: JSESSIONID=abc",
            "Content-Encoding: gzip", "Range: bytes=0-1")));
    return Combinators.combine(authorization, contentType, extra).as((a, c, e) -> {
      List<byte[]> lines = new ArrayList<>();
      for (String line : List.of(a, c, e)) {
        if (!line.isEmpty()) {
          lines.add(line.getBytes(StandardCharsets.UTF_8));
        }
      }
      return lines;
    });
  }

  private static Arbitrary<byte[]> bodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(15, Arbitraries.just((byte[]) null)),
        Tuple.of(40, createBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(10, tokenBodies().map(ApiFuzzTests::utf8)),
        Tuple.of(15, jsonValues().map(ApiFuzzTests::utf8)),
        Tuple.of(10, mutatedBodies()),
        Tuple.of(8, rawBytes(0, 300)),
        Tuple.of(2, Arbitraries.of(70_000, 200_000).map(size -> utf8("{\"name\":\"" + "a".repeat(size) + "\"}"))));
  }

  /** Objects shaped like a create: known and unknown fields, values of every JSON type. */
  private static Arbitrary<String> createBodies() {
    Arbitrary<Object> name = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(20).map(Object.class::cast)),
        Tuple.of(3, Arbitraries.strings().ofMaxLength(120).map(Object.class::cast)),
        Tuple.of(2, jsonLeaves()));
    Arbitrary<Object> path = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(fixtures.validPaths()).map(Object.class::cast)),
        Tuple.of(6, Arbitraries.of(fixtures.hostilePaths()).map(Object.class::cast)),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(60).map(Object.class::cast)),
        Tuple.of(1, jsonLeaves()));
    Arbitrary<Object> labels = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.maps(Arbitraries.strings().withChars("abk/._-").ofMinLength(1).ofMaxLength(10),
            Arbitraries.strings().withChars("abcxyz019 -:").ofMaxLength(20)).ofMaxSize(5).map(Object.class::cast)),
        Tuple.of(2, Arbitraries.maps(Arbitraries.strings().withChars("abk").ofMinLength(1).ofMaxLength(3),
            Arbitraries.strings().ofMaxLength(20)).ofMaxSize(3).map(Object.class::cast)),
        Tuple.of(2, Arbitraries.maps(Arbitraries.strings().ofMaxLength(70), Arbitraries.strings().ofMaxLength(300))
            .ofMaxSize(40).map(Object.class::cast)),
        Tuple.of(2, jsonTrees()));
    Arbitrary<Map<String, Object>> fields = Combinators.combine(
            name.injectNull(0.05), path.injectNull(0.7), labels.injectNull(0.5),
            Arbitraries.of("tenant", "id", "status", "managed", "role", "x").injectNull(0.85), jsonLeaves())
        .as((n, p, l, extraKey, extraValue) -> {
          Map<String, Object> body = new TreeMap<>();
          if (n != null) {
            body.put("name", n);
          }
          if (p != null) {
            body.put("path", p);
          }
          if (l != null) {
            body.put("labels", l);
          }
          if (extraKey != null) {
            body.put(extraKey, extraValue);
          }
          return body;
        });
    return fields.map(JSON::writeValueAsString);
  }

  private static Arbitrary<String> tokenBodies() {
    Arbitrary<Object> tenant = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abc019-._").ofMinLength(1).ofMaxLength(70).map(Object.class::cast), jsonLeaves());
    Arbitrary<Object> role = Arbitraries.oneOf(Arbitraries.of("client", "admin", "ADMIN", "root", "").map(Object.class::cast), jsonLeaves());
    return Combinators.combine(tenant.injectNull(0.1), role.injectNull(0.1), Arbitraries.strings().ofMaxLength(110).injectNull(0.5))
        .as((t, r, n) -> {
          Map<String, Object> body = new TreeMap<>();
          body.put("tenant", t);
          body.put("role", r);
          if (n != null) {
            body.put("name", n);
          }
          return JSON.writeValueAsString(body);
        });
  }

  private static Arbitrary<String> jsonValues() {
    return jsonTrees().map(JSON::writeValueAsString);
  }

  /**
   * JSON values: shallow trees of every type, and narrow chains of arrays and objects nested up to
   * 24 deep (past the depth cap of 16). Chains, not full trees: a tree that deep would be huge.
   */
  private static Arbitrary<Object> jsonTrees() {
    Arbitrary<String> keys = Arbitraries.of("name", "path", "labels", "k", "");
    Arbitrary<Object> shallow = Arbitraries.oneOf(
        jsonLeaves(),
        jsonLeaves().list().ofMaxSize(3).map(Object.class::cast),
        Arbitraries.maps(keys, jsonLeaves()).ofMaxSize(3).map(Object.class::cast));
    Arbitrary<Object> deep = Combinators.combine(shallow, Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(24))
        .as((inner, wrappers) -> {
          Object value = inner;
          for (boolean array : wrappers) {
            value = array ? Collections.singletonList(value) : Collections.singletonMap("k", value);
          }
          return value;
        });
    return Arbitraries.oneOf(shallow, deep);
  }

  private static Arbitrary<Object> jsonLeaves() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30).map(Object.class::cast),
        Arbitraries.strings().withCharRange((char) 0, (char) 0x1f).ofMaxLength(5).map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast),
        Arbitraries.just((Object) null));
  }

  /** Valid JSON broken in one place: cut short, a byte changed, garbage appended. */
  private static Arbitrary<byte[]> mutatedBodies() {
    return Combinators.combine(
            createBodies().map(ApiFuzzTests::utf8), Arbitraries.of(Mutation.values()),
            Arbitraries.integers().greaterOrEqual(0), rawBytes(1, 10))
        .as((json, mutation, position, garbage) -> mutation.apply(json, position % Math.max(1, json.length), garbage));
  }

  private enum Mutation {
    CUT, CHANGE, APPEND;

    byte[] apply(byte[] json, int position, byte[] garbage) {
      return switch (this) {
        case CUT -> java.util.Arrays.copyOf(json, position);
        case CHANGE -> {
          byte[] changed = json.clone();
          if (changed.length > 0) {
            changed[position] = garbage[0];
          }
          yield changed;
        }
        case APPEND -> concat(json, garbage);
      };
    }
  }

  private static Arbitrary<byte[]> rawBytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
  }

  // Fixtures.

  private static Fixtures makeFixtures(ApiClient api) throws IOException {
    ApiClient tenantA = api.as(TestTokens.CLIENT_A);
    String readyOfA = create(tenantA, "{\"name\":\"fixture-a\"}");
    String destroyedOfA = create(tenantA, "{\"name\":\"fixture-gone\"}");
    assertThat(tenantA.delete(ENVIRONMENTS + "/" + destroyedOfA + "?wait=PT10S").status()).isEqualTo(200);
    String readyOfB = create(api.as(TestTokens.CLIENT_B), "{\"name\":\"fixture-b\"}");
    String tokenId = api.post(TOKENS, "{\"tenant\":\"fuzzed\",\"role\":\"client\"}").json().get("id").asString();
    var worker = tenantA.post(ENVIRONMENTS + "/" + readyOfA + "/workers", "{\"profile\":\"fuzz\"}");
    assertThat(worker.status()).as(worker.body()).isEqualTo(201);
    String workerOfA = worker.json().get("id").asString();

    List<String> valid = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      valid.add(Files.createDirectory(root.resolve("project-" + i)).toString());
    }
    Path escape = Files.createSymbolicLink(root.resolve("escape"), outside);
    Path file = Files.writeString(root.resolve("a-file"), "x");
    List<String> hostile = List.of(
        root.toString(), root + "/../" + root.getFileName(), outside.toString(), escape.toString(), file.toString(),
        root + "/missing", root + "/a\u0000b", "relative", "", "/", "/etc", "/proc/self/root", root + "/" + "a/".repeat(2100),
        root + "/\ud800", managedRoot.toString(), managedRoot.resolve(readyOfA).toString(), "~", root + "/project-0/../../");
    return new Fixtures(readyOfA, destroyedOfA, readyOfB, tokenId, valid, hostile, workerOfA);
  }

  private static String create(ApiClient client, String body) {
    var created = client.post(ENVIRONMENTS, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  // Bytes.

  /**
   * CR and LF would end the request line or a header early: another request's framing, not other
   * content. Framing attacks are tests of their own; here every try is one well-framed request.
   */
  private static String withoutLineBreaks(String text) {
    return text.replace('\r', '_').replace('\n', '_');
  }

  private static byte[] withoutLineBreaks(byte[] bytes) {
    byte[] clean = bytes.clone();
    for (int i = 0; i < clean.length; i++) {
      if (clean[i] == '\r' || clean[i] == '\n') {
        clean[i] = '_';
      }
    }
    return clean;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
    out.writeBytes(first);
    out.writeBytes(second);
    return out.toByteArray();
  }

  private static String printable(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      text.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return text.toString();
  }
}
