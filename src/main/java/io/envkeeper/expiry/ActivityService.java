package io.envkeeper.expiry;

import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.security.Caller;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * {@code GET …/activity} and {@code POST …/keepalive}: what keeps an environment alive and when it
 * will expire, from the owner's memory. Reading it is not activity; a keepalive is.
 */
@Service
public class ActivityService {

  private final EnvironmentQueries queries;
  private final ActivityTracker activity;
  private final ExpiryOutlooks outlooks;

  ActivityService(EnvironmentQueries queries, ActivityTracker activity, ExpiryOutlooks outlooks) {
    this.queries = queries;
    this.activity = activity;
    this.outlooks = outlooks;
  }

  /** The READY environment's outlook (404 for another tenant's, 410 once destroying). */
  public ExpiryOutlook activity(UUID id, Caller caller) {
    return outlooks.of(queries.getReady(id, caller));
  }

  /** Records activity now and answers the outlook that follows from it. */
  public ExpiryOutlook keepalive(UUID id, Caller caller) {
    Environment environment = queries.getReady(id, caller);
    activity.touch(id);
    return outlooks.of(environment);
  }
}
