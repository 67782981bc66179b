package io.envkeeper.api;

import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.watch.WatchProperties;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import io.envkeeper.worker.WorkerService;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every open log follow ({@code …/log?follow=true}): heartbeats at {@code envkeeper.watch.heartbeat}
 * and the close after {@code envkeeper.watch.stream-timeout}, as for {@code /events} (see {@link
 * SseStreams}), with senders of their own: a follow of a chatty worker never delays the /events
 * streams. An open follow keeps its environment alive ({@code log_stream:<worker id>}).
 */
@Component
class LogStreams extends SseStreams<LogStream> {

  static final String ACTIVITY_HOLDER = "log_stream:";

  private final EnvironmentEvents events;
  private final WorkerService workers;

  LogStreams(
      WatchProperties properties, OpenStreams tokenStreams, EnvironmentEvents events, ActivityTracker activity,
      WorkerService workers) {
    super(properties, tokenStreams, activity, "log-stream");
    this.events = events;
    this.workers = workers;
  }

  /**
   * Opens a follow of the worker's log after {@code resumeFrom} (a byte offset), or at its last
   * {@code tail} lines, or from its oldest line; registered under the caller's token.
   */
  SseEmitter open(UUID environmentId, UUID workerId, Long resumeFrom, Integer tail, Caller caller) {
    return open(environmentId, ACTIVITY_HOLDER + workerId, caller,
        (emitter, sender, onFinish) -> new LogStream(environmentId, workerId, resumeFrom, tail, events, emitter, sender,
            () -> workers.liveLog(workerId), onFinish),
        stream -> {
          stream.subscribe();
          try {
            stream.start(workers.logSource(environmentId, workerId));
          } catch (RuntimeException e) {
            stream.close(); // the worker row could not be read: the caller answers with the problem
            throw e;
          }
        });
  }
}
