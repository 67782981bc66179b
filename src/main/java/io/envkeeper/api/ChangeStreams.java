package io.envkeeper.api;

import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.runtime.events.EnvironmentEvents;
import io.envkeeper.runtime.watch.ChangeLog;
import io.envkeeper.runtime.watch.WatchProperties;
import io.envkeeper.security.Caller;
import io.envkeeper.security.OpenStreams;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every open {@code /events} stream (see {@link SseStreams} for what the registry does for each). An
 * open stream keeps its environment alive (activity {@code stream}).
 */
@Component
class ChangeStreams extends SseStreams<ChangeStream> {

  private final EnvironmentEvents events;

  ChangeStreams(
      WatchProperties properties, OpenStreams tokenStreams, EnvironmentEvents events, ActivityTracker activity) {
    super(properties, tokenStreams, activity, "event-stream");
    this.events = events;
  }

  /**
   * Opens a stream that continues after {@code lastEventId}, registered under the caller's token so
   * it ends when that token is revoked.
   */
  SseEmitter open(UUID environmentId, ChangeLog log, long lastEventId, Caller caller) {
    return open(environmentId, ActivityTracker.STREAM, caller,
        (emitter, sender, onFinish) -> new ChangeStream(environmentId, log, events, lastEventId, emitter, sender, onFinish),
        ChangeStream::start);
  }
}
