package io.envkeeper.worker;

import io.envkeeper.runtime.events.EnvironmentEvent;
import io.envkeeper.runtime.events.EnvironmentEvents;
import org.springframework.stereotype.Component;

/**
 * Announces committed worker status changes on the environment event bus. Called only after the
 * commit, so a client never hears of a state the database does not hold.
 */
@Component
class WorkerEvents {

  private final EnvironmentEvents events;

  WorkerEvents(EnvironmentEvents events) {
    this.events = events;
  }

  void statusChanged(Worker worker) {
    events.publish(worker.getEnvironmentId(), new EnvironmentEvent(WorkerEvent.NAME, WorkerEvent.of(worker)));
  }
}
