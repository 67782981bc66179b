package io.envkeeper.api;

import io.envkeeper.expiry.ActivityHold;
import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.watch.ChangeLog;
import io.envkeeper.runtime.watch.WatchProperties;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import jakarta.annotation.PreDestroy;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every open {@code /events} stream: sends their heartbeats, ends those of a revoked token (through
 * {@link OpenStreams}) and closes them all on shutdown,
 * before the web server starts draining requests (an open stream would hold the drain for its whole
 * timeout otherwise). An open stream keeps its environment alive (activity {@code stream}).
 */
@Component
class ChangeStreams extends PhasedLifecycle {

  /** Stops before the web server's graceful shutdown (phase {@code Integer.MAX_VALUE - 1024}). */
  private static final int PHASE = Integer.MAX_VALUE - 512;
  private static final int SENDER_THREADS = 4;

  private final WatchProperties properties;
  private final OpenStreams tokenStreams;
  private final EnvironmentEvents events;
  private final ActivityTracker activity;
  private final Set<ChangeStream> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService sender =
      Executors.newFixedThreadPool(SENDER_THREADS, DaemonThreads.named("event-stream-sender"));
  private ScheduledExecutorService heartbeats;

  ChangeStreams(
      WatchProperties properties, OpenStreams tokenStreams, EnvironmentEvents events, ActivityTracker activity) {
    super(PHASE);
    this.properties = properties;
    this.tokenStreams = tokenStreams;
    this.events = events;
    this.activity = activity;
  }

  /**
   * Opens a stream that continues after {@code lastEventId}, registered under the caller's token so
   * it ends when that token is revoked.
   */
  SseEmitter open(UUID environmentId, ChangeLog log, long lastEventId, Caller caller) {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    AtomicReference<OpenStreams.Registration> registration = new AtomicReference<>();
    ActivityHold hold = activity.hold(environmentId, ActivityTracker.STREAM);
    ChangeStream stream = new ChangeStream(environmentId, log, events, lastEventId, emitter, sender, finished -> {
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
    stream.start();
    return emitter;
  }

  int openStreams() {
    return open.size();
  }

  /** Also called again after a stop (a paused test context is restarted). */
  @Override
  public synchronized void start() {
    heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("event-stream-heartbeat"));
    long period = properties.heartbeat().toMillis();
    heartbeats.scheduleAtFixedRate(
        () -> open.forEach(ChangeStream::heartbeat), period, period, TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    heartbeats.shutdownNow();
    open.forEach(ChangeStream::close);
  }

  @PreDestroy
  void shutdownSender() {
    sender.shutdown();
  }
}
