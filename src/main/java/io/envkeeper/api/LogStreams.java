package io.envkeeper.api;

import io.envkeeper.expiry.ActivityHold;
import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.watch.WatchProperties;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import io.envkeeper.worker.WorkerService;
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
 * Every open log follow ({@code …/log?follow=true}): heartbeats at {@code envkeeper.watch.heartbeat}
 * and the close after {@code envkeeper.watch.stream-timeout}, as for {@code /events}; ends those of
 * a revoked token (through {@link OpenStreams}) and closes them all on shutdown, before the web
 * server drains requests. An open follow keeps its environment alive ({@code log_stream:<worker id>}).
 */
@Component
class LogStreams extends PhasedLifecycle {

  /** Stops before the web server's graceful shutdown, with the event streams. */
  private static final int PHASE = Integer.MAX_VALUE - 512;
  private static final int SENDER_THREADS = 4;
  static final String ACTIVITY_HOLDER = "log_stream:";

  private final WatchProperties properties;
  private final OpenStreams tokenStreams;
  private final EnvironmentEvents events;
  private final ActivityTracker activity;
  private final WorkerService workers;
  private final Set<LogStream> open = ConcurrentHashMap.newKeySet();
  // Its own senders: a follow of a chatty worker never delays the /events streams.
  private final ExecutorService sender = Executors.newFixedThreadPool(SENDER_THREADS, DaemonThreads.named("log-stream-sender"));
  private ScheduledExecutorService heartbeats;

  LogStreams(
      WatchProperties properties, OpenStreams tokenStreams, EnvironmentEvents events, ActivityTracker activity,
      WorkerService workers) {
    super(PHASE);
    this.properties = properties;
    this.tokenStreams = tokenStreams;
    this.events = events;
    this.activity = activity;
    this.workers = workers;
  }

  /**
   * Opens a follow of the worker's log after {@code resumeFrom} (a byte offset), or at its last
   * {@code tail} lines, or from its oldest line; registered under the caller's token.
   */
  SseEmitter open(UUID environmentId, UUID workerId, Long resumeFrom, Integer tail, Caller caller) {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    AtomicReference<OpenStreams.Registration> registration = new AtomicReference<>();
    ActivityHold hold = activity.hold(environmentId, ACTIVITY_HOLDER + workerId);
    LogStream stream = new LogStream(environmentId, workerId, resumeFrom, tail, events, emitter, sender,
        () -> workers.liveLog(workerId), finished -> {
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
    stream.subscribe();
    try {
      stream.start(workers.logSource(environmentId, workerId));
    } catch (RuntimeException e) {
      stream.close(); // the worker row could not be read: the caller answers with the problem
      throw e;
    }
    return emitter;
  }

  int openStreams() {
    return open.size();
  }

  /** Also called again after a stop (a paused test context is restarted). */
  @Override
  public synchronized void start() {
    heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("log-stream-heartbeat"));
    long period = properties.heartbeat().toMillis();
    heartbeats.scheduleAtFixedRate(() -> open.forEach(LogStream::heartbeat), period, period, TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    heartbeats.shutdownNow();
    open.forEach(LogStream::close);
  }

  @PreDestroy
  void shutdownSender() {
    sender.shutdown();
  }
}
