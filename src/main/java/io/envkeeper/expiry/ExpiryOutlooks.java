package io.envkeeper.expiry;

import io.envkeeper.environment.Environment;
import org.springframework.stereotype.Component;

/** The {@link ExpiryOutlook} of an environment: its row, this node's memory of its activity, the start. */
@Component
class ExpiryOutlooks {

  private final ActivityTracker activity;
  private final NodeClock nodeClock;
  private final ExpiryProperties properties;

  ExpiryOutlooks(ActivityTracker activity, NodeClock nodeClock, ExpiryProperties properties) {
    this.activity = activity;
    this.nodeClock = nodeClock;
    this.properties = properties;
  }

  ExpiryOutlook of(Environment environment) {
    return Deadlines.outlook(
        environment, activity.snapshot(environment), nodeClock.startedAt(), properties.expiryWarning());
  }
}
