package io.envkeeper.expiry;

import io.envkeeper.environment.DestroyReason;
import io.envkeeper.runtime.events.EnvironmentEvent;
import io.envkeeper.runtime.events.EnvironmentEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code expiring} events: one per deadline, once it is within {@code expiry-warning}, sent to
 * the environment's open streams and to any stream opened while it stands. A deadline that moves
 * (a PATCH, new activity) is announced again when the new one comes within reach; one that moves
 * out of reach is withdrawn, so later streams do not hear of it. An announced idle expiry is
 * withdrawn at once by new activity (a stream opening must not be told of an expiry its own opening
 * called off).
 */
@Component
class ExpiryWarnings {

  static final String EXPIRING = "expiring";

  private static final Logger log = LoggerFactory.getLogger(ExpiryWarnings.class);

  /** The {@code data} of an {@code expiring} event. */
  record Expiring(Instant destroyAt, String reason) {}

  private final EnvironmentEvents events;
  private final Duration warning;
  private final Map<UUID, Expiring> announced = new ConcurrentHashMap<>();

  ExpiryWarnings(EnvironmentEvents events, ExpiryProperties properties) {
    this.events = events;
    this.warning = properties.expiryWarning();
  }

  /** Announces the outlook's deadline if it is within reach and not announced yet. */
  void update(UUID id, ExpiryOutlook outlook, Instant now) {
    Instant destroyAt = outlook.destroyAt();
    if (destroyAt == null || now.isBefore(destroyAt.minus(warning))) {
      forget(id);
      return;
    }
    Expiring expiring = new Expiring(destroyAt, outlook.reason().wireName());
    if (expiring.equals(announced.put(id, expiring))) {
      return;
    }
    log.info("environment {}: expiring at {} ({})", id, destroyAt, expiring.reason());
    events.publishCurrent(id, new EnvironmentEvent(EXPIRING, expiring));
  }

  /** New activity: an announced idle expiry no longer stands (the next pass announces anew if due). */
  void activity(UUID id) {
    Expiring current = announced.get(id);
    if (current != null && current.reason().equals(DestroyReason.IDLE.wireName()) && announced.remove(id, current)) {
      events.withdraw(id, EXPIRING);
    }
  }

  void forget(UUID id) {
    if (announced.remove(id) != null) {
      events.withdraw(id, EXPIRING);
    }
  }

  void retainOnly(Set<UUID> ready) {
    for (UUID id : Set.copyOf(announced.keySet())) {
      if (!ready.contains(id)) {
        forget(id);
      }
    }
  }
}
