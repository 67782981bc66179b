package io.envkeeper.api;

import io.envkeeper.runtime.events.EnvironmentEvent;
import io.envkeeper.runtime.events.EnvironmentEventListener;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.watch.ChangeLog;
import io.envkeeper.runtime.watch.ChangeSubscriber;
import io.envkeeper.runtime.watch.WorkspaceChange;
import java.io.IOException;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's {@code /events} stream. The watch thread only signals it; sending happens on the
 * stream executor, one drain at a time, reading from the change log after the last id sent. A
 * slow client therefore never holds up the watch thread, and one that falls behind the bounded log
 * gets an OVERFLOW marker instead of an unbounded queue.
 *
 * <p>Other events of the environment ({@code expiring}, ...) come from the {@link EnvironmentEvents}
 * bus: sent without an {@code id:}, so they never move the client's {@code Last-Event-ID}, and
 * buffered up to {@value #MAX_PENDING_EVENTS} (the oldest dropped beyond that).
 */
final class ChangeStream extends SseStream implements ChangeSubscriber, EnvironmentEventListener {

  static final String CHANGE_EVENT = "change";
  static final String DESTROYED_EVENT = "destroyed";
  /** Published by the expiry package through the event bus; named here for the API description. */
  static final String EXPIRING_EVENT = "expiring";
  /** Published by the worker package through the event bus. */
  static final String WORKER_EVENT = io.envkeeper.worker.WorkerEvent.NAME;
  static final int MAX_PENDING_EVENTS = 256;

  private final UUID environmentId;
  private final ChangeLog log;
  private final EnvironmentEvents events;
  private final Queue<EnvironmentEvent> pendingEvents = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final Consumer<ChangeStream> onFinish;
  private volatile boolean logClosed;
  /** This run's log ended but the environment lives on: end without {@code destroyed}. */
  private volatile boolean logSealed;
  private long lastSent;

  ChangeStream(
      UUID environmentId, ChangeLog log, EnvironmentEvents events, long lastSent, SseEmitter emitter,
      Executor sender, Consumer<ChangeStream> onFinish) {
    super(emitter, sender, "envkeeper " + environmentId);
    this.environmentId = environmentId;
    this.log = log;
    this.events = events;
    this.lastSent = lastSent;
    this.onFinish = onFinish;
  }

  /** Subscribes and sends the first comment (so the client knows it is live) plus any backlog. */
  void start() {
    if (!log.subscribe(this)) {
      if (log.isClosed()) {
        logClosed = true;
      } else {
        logSealed = true;
      }
    }
    events.subscribe(environmentId, this);
    scheduleDrain();
  }

  @Override
  public void changesAvailable() {
    scheduleDrain();
  }

  @Override
  public void eventPublished(EnvironmentEvent event) {
    pendingEvents.add(event);
    if (pendingCount.incrementAndGet() > MAX_PENDING_EVENTS && pendingEvents.poll() != null) {
      pendingCount.decrementAndGet();
    }
    scheduleDrain();
  }

  @Override
  public void closed() {
    logClosed = true;
    scheduleDrain();
  }

  @Override
  public void sealed() {
    logSealed = true;
    scheduleDrain();
  }

  @Override
  void send() throws IOException {
    for (EnvironmentEvent event = pendingEvents.poll(); event != null; event = pendingEvents.poll()) {
      pendingCount.decrementAndGet();
      emitter.send(SseEmitter.event().name(event.name()).data(event.data(), MediaType.APPLICATION_JSON));
    }
    for (WorkspaceChange change : log.since(lastSent)) {
      emitter.send(
          SseEmitter.event()
              .id(Long.toString(change.seq()))
              .name(CHANGE_EVENT)
              .data(WorkspaceResponse.Change.of(change), MediaType.APPLICATION_JSON));
      lastSent = change.seq();
    }
    if (logClosed) {
      emitter.send(
          SseEmitter.event()
              .name(DESTROYED_EVENT)
              .data(new EventStreamMessages.Destroyed(environmentId), MediaType.APPLICATION_JSON));
      emitter.complete();
      finish();
    } else if (logSealed) {
      emitter.complete(); // the client reconnects with Last-Event-ID
      finish();
    }
  }

  @Override
  void release() {
    log.unsubscribe(this);
    events.unsubscribe(environmentId, this);
    onFinish.accept(this);
  }
}
