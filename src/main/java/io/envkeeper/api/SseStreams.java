package io.envkeeper.api;

import io.envkeeper.expiry.ActivityHold;
import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.envkeeper.runtime.watch.WatchProperties;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import jakarta.annotation.PreDestroy;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every open stream of one kind of server-sent events: each keeps its environment alive while open
 * (an activity hold), ends when its token is revoked (through {@link OpenStreams}), gets a heartbeat
 * every {@code envkeeper.watch.heartbeat}, and is closed on shutdown before the web server starts
 * draining requests (an open stream would hold the drain for its whole timeout otherwise).
 *
 * @param <S> the kind of stream
 */
abstract class SseStreams<S extends SseStream> extends PhasedLifecycle {

  /** Stops before the web server's graceful shutdown (phase {@code Integer.MAX_VALUE - 1024}). */
  private static final int PHASE = Integer.MAX_VALUE - 512;
  private static final int SENDER_THREADS = 4;

  private final WatchProperties properties;
  private final OpenStreams tokenStreams;
  private final ActivityTracker activity;
  private final String heartbeatThread;
  private final Set<S> open = ConcurrentHashMap.newKeySet();
  // Each kind has its own senders: a chatty stream of one kind never delays those of another.
  private final ExecutorService sender;
  private ScheduledExecutorService heartbeats;

  SseStreams(WatchProperties properties, OpenStreams tokenStreams, ActivityTracker activity, String threads) {
    super(PHASE);
    this.properties = properties;
    this.tokenStreams = tokenStreams;
    this.activity = activity;
    this.heartbeatThread = threads + "-heartbeat";
    this.sender = Executors.newFixedThreadPool(SENDER_THREADS, DaemonThreads.named(threads + "-sender"));
  }

  /**
   * Opens a stream: {@code create} makes it from its emitter, the pool that sends its events and what
   * it calls once finished; it holds its environment's activity as {@code holder} and is registered
   * under the caller's token. {@code start} starts it, unless the streams are stopping (then it is
   * closed at once).
   */
  final SseEmitter open(UUID environmentId, String holder, Caller caller,
      StreamFactory<S> create, Consumer<S> start) {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    AtomicReference<OpenStreams.Registration> registration = new AtomicReference<>();
    ActivityHold hold = activity.hold(environmentId, holder);
    S stream = create.create(emitter, sender, finished -> {
      open.remove(finished);
      hold.close();
      OpenStreams.Registration registered = registration.getAndSet(null);
      if (registered != null) {
        registered.close();
      }
    });
    open.add(stream);
    registration.set(tokenStreams.register(caller, stream::close));
    if (!running) {
      stream.close();
      return emitter;
    }
    start.accept(stream);
    return emitter;
  }

  /** Makes one stream from its emitter, its sender pool and its on-finish callback. */
  @FunctionalInterface
  interface StreamFactory<S> {

    S create(SseEmitter emitter, Executor sender, Consumer<S> onFinish);
  }

  int openStreams() {
    return open.size();
  }

  /** Also called again after a stop (a paused test context is restarted). */
  @Override
  public synchronized void start() {
    heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(heartbeatThread));
    long period = properties.heartbeat().toMillis();
    heartbeats.scheduleAtFixedRate(() -> open.forEach(SseStream::heartbeat), period, period, TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    heartbeats.shutdownNow();
    open.forEach(SseStream::close);
  }

  @PreDestroy
  void shutdownSender() {
    sender.shutdown();
  }
}
