package io.envkeeper.expiry;

import io.envkeeper.environment.Environment;
import org.springframework.stereotype.Component;

/** The {@link ExpiryOutlook} of an environment: its row, this node's memory of its activity, the start. */
@Component
record ExpiryOutlooks(ActivityTracker activity, NodeClock nodeClock, ExpiryProperties properties) {

  ExpiryOutlook of(Environment environment) {
    return Deadlines.outlook(
        environment, activity.snapshot(environment), nodeClock.startedAt(), properties.expiryWarning());
  }
}
