package io.envkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for the service, as a desktop client would call it. Sends the test admin
 * token ({@link TestTokens#ADMIN}) unless told to send another token ({@link #as}) or none
 * ({@link #anonymous}).
 */
public final class ApiClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(70);

  private final String base;
  private final String token;
  private final Duration timeout;

  public ApiClient(int port) {
    this(port, TestTokens.ADMIN, DEFAULT_TIMEOUT);
  }

  private ApiClient(int port, String token, Duration timeout) {
    this.base = "http://localhost:" + port;
    this.token = token;
    this.timeout = timeout;
  }

  /** The same client sending {@code Authorization: Bearer <token>} with this token. */
  public ApiClient as(String token) {
    return new ApiClient(port(), token, timeout);
  }

  /** The same client sending no {@code Authorization} header. */
  public ApiClient anonymous() {
    return new ApiClient(port(), null, timeout);
  }

  /**
   * The same client giving up on a response after {@code timeout} (an {@link UncheckedIOException}
   * wrapping {@link java.net.http.HttpTimeoutException}): for calls that must answer promptly.
   */
  public ApiClient withTimeout(Duration timeout) {
    return new ApiClient(port(), token, timeout);
  }

  /** The bearer token this client sends (null when anonymous). */
  public String token() {
    return token;
  }

  /** {@code http://localhost:<port>}: where the service answers. */
  public String baseUrl() {
    return base;
  }

  private int port() {
    return URI.create(base).getPort();
  }

  /** A response with its body parsed as JSON when it is JSON. */
  public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .flatMap(entry -> entry.getValue().stream())
          .findFirst()
          .orElse(null);
    }

    /** The problem's {@code code}, for error responses. */
    public String code() {
      return json().path("code").asString();
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response post(String path, String json) {
    return post(path, json, Map.of());
  }

  public Response post(String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::setHeader);
    return send(request);
  }

  /** Any method; with a JSON body when {@code body} is not null. */
  public Response request(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return send(request);
  }

  /** Sends the request, with this client's token unless the request sets its own Authorization. */
  public Response send(HttpRequest.Builder request) {
    if (token != null && request.copy().build().headers().firstValue("Authorization").isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  /** Parses JSON text (an SSE event's data, say). */
  public static JsonNode parse(String json) {
    return JSON.readTree(json);
  }

  /** JSON for a string literal. */
  public static String quote(String text) {
    return JSON.writeValueAsString(text);
  }
}
