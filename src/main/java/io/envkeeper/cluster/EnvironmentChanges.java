package io.envkeeper.cluster;

import io.envkeeper.environment.ReadyEnvironmentCache;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What the membership connection hears of environment rows: a change committed anywhere (the V9
 * trigger's notification) drops the row from this node's {@link ReadyEnvironmentCache}; the
 * connection going up or down, or the lease being acquired again, drops them all (whatever was
 * announced meanwhile may have been missed).
 */
@Component
class EnvironmentChanges {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentChanges.class);

  private final ReadyEnvironmentCache cache;

  EnvironmentChanges(ReadyEnvironmentCache cache) {
    this.cache = cache;
  }

  /** A notification's payload: the changed row's id. */
  void received(String payload) {
    try {
      cache.invalidate(UUID.fromString(payload));
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a malformed environment change notification: {}", payload);
    }
  }

  /** A destroy of {@code id} was announced to this node: its row goes before anything else happens. */
  void destroyAnnounced(UUID id) {
    cache.invalidate(id);
  }

  void listening(boolean up) {
    cache.listening(up);
  }

  @EventListener
  void onLeaseAcquired(LeaseAcquiredEvent event) {
    cache.listening(true);
  }
}
