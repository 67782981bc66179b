package io.envkeeper.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A Server-Sent Events client, as a desktop client would follow {@code /events}. */
public final class EventStreamClient implements AutoCloseable {

  /** One dispatched event; {@code comment} events carry the comment text in {@code data}. */
  public record Event(String id, String name, String data) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private volatile boolean ended;
  private volatile Stream<String> lines;

  private EventStreamClient(HttpRequest request) {
    this.response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response.thenAcceptAsync(this::read);
  }

  /** Connects; {@code lastEventId} may be null. Waits until the stream is open (first comment). */
  /** Connects with the test admin token, as {@link ApiClient} does by default. */
  public static EventStreamClient connect(URI uri, String lastEventId) {
    return connect(uri, lastEventId, java.util.Map.of("Authorization", "Bearer " + TestTokens.ADMIN));
  }

  public static EventStreamClient connect(URI uri, String lastEventId, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    headers.forEach(request::header);
    EventStreamClient client = new EventStreamClient(request.build());
    // Checks memory only: polled often, so a test opening many streams does not wait 100 ms each.
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
        .until(() -> client.ended || !client.comments().isEmpty());
    return client;
  }

  public int status() {
    return response.join().statusCode();
  }

  private void read(HttpResponse<Stream<String>> response) {
    lines = response.body();
    String id = null;
    String name = null;
    StringBuilder data = new StringBuilder();
    try {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (name != null || data.length() > 0) {
            events.add(new Event(id, name == null ? "message" : name, data.toString()));
          }
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          events.add(new Event(null, "comment", line.substring(1).trim()));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (RuntimeException e) {
      // closed by us or by the server
    } finally {
      ended = true;
    }
  }

  public List<Event> events() {
    return new ArrayList<>(events);
  }

  public List<Event> named(String name) {
    return events.stream().filter(event -> event.name().equals(name)).toList();
  }

  private List<Event> comments() {
    return named("comment");
  }

  /** Waits until an event matching {@code condition} has arrived, and returns it. */
  public Event awaitEvent(Duration timeout, Predicate<Event> condition) {
    await().atMost(timeout).until(() -> events.stream().anyMatch(condition));
    return events.stream().filter(condition).findFirst().orElseThrow();
  }

  /** Whether the server ended the stream. */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    Stream<String> open = lines;
    if (open != null) {
      open.close();
    }
    response.cancel(true);
  }
}
