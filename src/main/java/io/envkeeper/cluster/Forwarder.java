package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwards a call to the node that owns its environment, as the same caller (the {@code
 * Authorization} header goes along, so the owner authenticates and checks the tenant again), and
 * copies the owner's answer back byte for byte. Spring's {@link RestClient} on the JDK's HTTP client:
 * pooled keep-alive connections, a connect timeout on every call, a total timeout on calls; no
 * hand-written HTTP.
 *
 * <p>Event streams are copied as they come, flushed after every read, on a thread of their own
 * taken from a bounded set (the request thread goes back to the container through servlet async
 * support). The blocking copy is the back-pressure: a slow client stops the reads from the owner.
 * Either side going away ends it: a client that left fails the next write (the owner's 15 s
 * heartbeat comes through at the latest) and the upstream answer is closed; an owner that left
 * ends the read. A stream silent for {@code stream-idle-timeout} is closed by a watchdog. A stream
 * is also registered with {@link OpenStreams} under the caller's token: the owner ends its own
 * stream when the token is revoked (and this copy ends with it), and a revocation made through this
 * node ends the copy here at once, without waiting for the owner's re-validation.
 */
@Component
class Forwarder extends PhasedLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  /** With the event streams of this node: before the web server drains. */
  private static final int PHASE = Integer.MAX_VALUE - 512;
  private static final int BUFFER = 8192;

  private final NodeProperties node;
  private final ClusterProperties properties;
  private final ForwardMetrics metrics;
  private final JsonMapper json;
  private final OpenStreams tokenStreams;
  private final RestClient calls;
  private final RestClient streams;
  private final Semaphore streamSlots;
  private final Set<ForwardedStream> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService streamThreads = Executors.newCachedThreadPool(DaemonThreads.named("forwarded-stream"));
  private ScheduledExecutorService watchdog;

  Forwarder(NodeProperties node, ClusterProperties properties, ForwardMetrics metrics, JsonMapper json,
      OpenStreams tokenStreams) {
    super(PHASE);
    this.node = node;
    this.properties = properties;
    this.metrics = metrics;
    this.json = json;
    this.tokenStreams = tokenStreams;
    this.streamSlots = new Semaphore(properties.maxForwardedStreams());
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(properties.forwardConnectTimeout())
        .build();
    JdkClientHttpRequestFactory callFactory = new JdkClientHttpRequestFactory(http);
    callFactory.setReadTimeout(properties.forwardTimeout());
    this.calls = RestClient.builder().requestFactory(callFactory).build();
    // No total timeout on a stream (it lives as long as the owner keeps it): the idle watchdog bounds it.
    this.streams = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(http)).build();
  }

  /** Forwards a call and writes the owner's answer on this thread. */
  void forward(HttpServletRequest request, HttpServletResponse response, ClusterView.Member owner, byte[] body) {
    long started = System.nanoTime();
    URI target = target(owner, request);
    HttpHeaders headers = requestHeaders(request);
    try {
      RestClient.RequestBodySpec call = calls.method(HttpMethod.valueOf(request.getMethod())).uri(target)
          .headers(h -> h.addAll(headers));
      if (body.length > 0) {
        call.body(body);
      }
      call.exchange((sent, answer) -> {
        copy(answer, response, false, null);
        return null;
      });
      metrics.outcome(ForwardMetrics.Outcome.ANSWERED);
      metrics.call(Duration.ofNanos(System.nanoTime() - started));
    } catch (RestClientException e) {
      ForwardMetrics.Outcome outcome = classify(e);
      metrics.outcome(outcome);
      log.warn("forward of {} {} to node {} failed ({}): {}", request.getMethod(), request.getRequestURI(),
          owner.id(), outcome, e.getMostSpecificCause().toString());
      if (!response.isCommitted()) {
        String detail = "node " + owner.id() + ", which owns this environment, " + describe(outcome);
        throw outcome == ForwardMetrics.Outcome.UNREACHABLE
            ? new OwnerUnreachableException(detail, retryAfterSeconds())
            : new NodeUnavailableException(detail, retryAfterSeconds());
      }
    }
  }

  /**
   * Forwards an event stream: the request thread returns at once (servlet async); a stream thread
   * copies until either side ends.
   */
  void forwardStream(HttpServletRequest request, HttpServletResponse response, ClusterView.Member owner,
      Caller caller) {
    if (!running || !streamSlots.tryAcquire()) {
      metrics.outcome(ForwardMetrics.Outcome.REFUSED);
      throw new NodeUnavailableException(
          "this node forwards at most " + properties.maxForwardedStreams() + " event streams at once", 1);
    }
    URI target = target(owner, request);
    HttpHeaders headers = requestHeaders(request);
    ForwardedStream stream = new ForwardedStream();
    AsyncContext async;
    try {
      async = request.startAsync(request, response);
      async.setTimeout(0); // bounded by the idle watchdog and the owner's own stream timeout
      async.addListener(new CancelOnEnd(stream));
    } catch (RuntimeException e) {
      streamSlots.release();
      throw e;
    }
    open.add(stream);
    OpenStreams.Registration registration = tokenStreams.register(caller, stream::revoke);
    try {
      streamThreads.execute(() -> copyStream(stream, registration, async, target, headers, owner));
    } catch (RejectedExecutionException e) {
      registration.close();
      open.remove(stream);
      streamSlots.release();
      writeUnavailable((HttpServletResponse) async.getResponse(), "this node is shutting down");
      async.complete();
    }
  }

  private void copyStream(ForwardedStream stream, OpenStreams.Registration registration, AsyncContext async,
      URI target, HttpHeaders headers, ClusterView.Member owner) {
    HttpServletResponse response = (HttpServletResponse) async.getResponse();
    long started = System.nanoTime();
    try {
      streams.get().uri(target).headers(h -> h.addAll(headers)).exchange((sent, answer) -> {
        stream.attach(answer);
        metrics.streamOpened(Duration.ofNanos(System.nanoTime() - started));
        copy(answer, response, true, stream);
        return null;
      });
      metrics.outcome(stream.idledOut() ? ForwardMetrics.Outcome.TIMEOUT : ForwardMetrics.Outcome.ANSWERED);
    } catch (RestClientException e) {
      // A revoked token's copy was ended here on purpose: the stream ended as the service meant it to.
      ForwardMetrics.Outcome outcome = stream.idledOut() ? ForwardMetrics.Outcome.TIMEOUT
          : stream.revoked() ? ForwardMetrics.Outcome.ANSWERED : classify(e);
      metrics.outcome(outcome);
      log.info("forwarded stream {} from node {} ended ({}): {}", target.getPath(), owner.id(), outcome,
          e.getMostSpecificCause().toString());
      if (!response.isCommitted()) {
        writeUnavailable(response, "node " + owner.id() + ", which owns this environment, " + describe(outcome));
      }
    } finally {
      registration.close();
      open.remove(stream);
      streamSlots.release();
      try {
        async.complete();
      } catch (IllegalStateException alreadyCompleted) {
        // the container ended it (client gone)
      }
    }
  }

  /** Status, end-to-end headers and body of the owner's answer; flushed per read for a stream. */
  private static void copy(ClientHttpResponse answer, HttpServletResponse response, boolean flushEachRead,
      ForwardedStream stream) throws IOException {
    response.setStatus(answer.getStatusCode().value());
    Set<String> excluded = HopHeaders.excluded(answer.getHeaders());
    answer.getHeaders().forEach((name, values) -> {
      if (!HopHeaders.isExcluded(excluded, name) && !values.isEmpty()) {
        // set, then add: the owner's value replaces what this node's filters already put there
        response.setHeader(name, values.get(0));
        values.stream().skip(1).forEach(value -> response.addHeader(name, value));
      }
    });
    OutputStream out = response.getOutputStream();
    if (flushEachRead) {
      out.flush(); // the client sees the stream open before the first event
    }
    InputStream in = answer.getBody();
    byte[] buffer = new byte[BUFFER];
    for (int read; (read = in.read(buffer)) != -1; ) {
      out.write(buffer, 0, read);
      if (flushEachRead) {
        out.flush();
        stream.touch();
      }
    }
  }

  private HttpHeaders requestHeaders(HttpServletRequest request) {
    HttpHeaders headers = new HttpHeaders();
    Set<String> excluded = HopHeaders.excluded(Collections.list(request.getHeaders(HttpHeaders.CONNECTION)));
    for (String name : Collections.list(request.getHeaderNames())) {
      if (!HopHeaders.isExcluded(excluded, name)) {
        headers.addAll(name, Collections.list(request.getHeaders(name)));
      }
    }
    headers.set(HopHeaders.FORWARDED_BY, node.id());
    return headers;
  }

  private static URI target(ClusterView.Member owner, HttpServletRequest request) {
    String query = request.getQueryString();
    return URI.create(owner.advertiseUrl() + request.getRequestURI() + (query == null ? "" : "?" + query));
  }

  private static ForwardMetrics.Outcome classify(RestClientException e) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable cause = e; cause != null && seen.add(cause); cause = cause.getCause()) {
      if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
        return ForwardMetrics.Outcome.UNREACHABLE;
      }
      if (cause instanceof HttpTimeoutException) {
        return ForwardMetrics.Outcome.TIMEOUT;
      }
    }
    return ForwardMetrics.Outcome.FAILED;
  }

  private static String describe(ForwardMetrics.Outcome outcome) {
    return switch (outcome) {
      case UNREACHABLE -> "could not be reached";
      case TIMEOUT -> "did not answer in time";
      default -> "failed to answer";
    };
  }

  private long retryAfterSeconds() {
    return Math.max(1, properties.heartbeatInterval().toSeconds());
  }

  private void writeUnavailable(HttpServletResponse response, String detail) {
    try {
      ProblemDetail problem = ProblemDetail.forStatusAndDetail(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE, detail);
      problem.setType(URI.create("urn:envkeeper:problem:node_unavailable"));
      problem.setTitle("Service Unavailable");
      problem.setProperty("code", "node_unavailable");
      response.setStatus(503);
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds()));
      json.writeValue(response.getOutputStream(), problem);
    } catch (IOException | RuntimeException e) {
      log.debug("could not answer a failed stream forward: {}", e.toString());
    }
  }

  int openStreams() {
    return open.size();
  }

  @Override
  public synchronized void start() {
    watchdog = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("forwarded-stream-watchdog"));
    long idle = properties.streamIdleTimeout().toNanos();
    long period = Math.max(200, properties.streamIdleTimeout().toMillis() / 4);
    watchdog.scheduleAtFixedRate(() -> open.forEach(stream -> {
      if (stream.isIdleFor(idle)) {
        log.warn("a forwarded event stream was silent for {}; closing it", properties.streamIdleTimeout());
        stream.idleOut();
      }
    }), period, period, TimeUnit.MILLISECONDS);
    running = true;
  }

  /** Ends every forwarded stream, so the web server's drain is not held up by them. */
  @Override
  public synchronized void stop() {
    running = false;
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
    open.forEach(ForwardedStream::cancel);
  }

  @jakarta.annotation.PreDestroy
  void shutdownThreads() {
    streamThreads.shutdownNow();
  }

  /** The container saw the client connection fail or time out: let go of the owner's answer. */
  private static final class CancelOnEnd implements AsyncListener {
    private final ForwardedStream stream;

    CancelOnEnd(ForwardedStream stream) {
      this.stream = stream;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      stream.cancel();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      stream.cancel();
    }

    @Override
    public void onError(AsyncEvent event) {
      stream.cancel();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // not restarted
    }
  }
}
