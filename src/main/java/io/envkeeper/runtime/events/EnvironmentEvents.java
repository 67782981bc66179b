package io.envkeeper.runtime.events;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The environment event bus: publishers (expiry, workers) hand it events, open streams subscribe
 * per environment. Nothing is queued here; each listener buffers what it has not sent yet.
 *
 * <p>A <em>current</em> event ({@link #publishCurrent}) describes a state that holds until it is
 * withdrawn (an announced expiry): it also goes to every stream that subscribes later, so a client
 * connecting after the announcement still hears it.
 */
@Component
public class EnvironmentEvents {

  private final Map<UUID, Set<EnvironmentEventListener>> listeners = new ConcurrentHashMap<>();
  private final Map<UUID, Map<String, EnvironmentEvent>> current = new ConcurrentHashMap<>();

  /** Sends the event to the environment's listeners subscribed now. */
  public void publish(UUID environmentId, EnvironmentEvent event) {
    Set<EnvironmentEventListener> subscribed = listeners.get(environmentId);
    if (subscribed != null) {
      subscribed.forEach(listener -> listener.eventPublished(event));
    }
  }

  /**
   * Publishes the event and keeps it, by name, for listeners that subscribe later. Synchronized with
   * {@link #subscribe}, so a stream opening meanwhile gets it exactly once.
   */
  public synchronized void publishCurrent(UUID environmentId, EnvironmentEvent event) {
    current.computeIfAbsent(environmentId, id -> new ConcurrentHashMap<>()).put(event.name(), event);
    publish(environmentId, event);
  }

  /** The state the current event of this name described no longer holds: later subscribers do not get it. */
  public synchronized void withdraw(UUID environmentId, String name) {
    current.computeIfPresent(environmentId, (id, events) -> {
      events.remove(name);
      return events.isEmpty() ? null : events;
    });
  }

  /** Follows the environment's events; the current ones are delivered at once. */
  public synchronized void subscribe(UUID environmentId, EnvironmentEventListener listener) {
    listeners.computeIfAbsent(environmentId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    Map<String, EnvironmentEvent> now = current.get(environmentId);
    if (now != null) {
      now.values().forEach(listener::eventPublished);
    }
  }

  public void unsubscribe(UUID environmentId, EnvironmentEventListener listener) {
    listeners.computeIfPresent(environmentId, (id, subscribed) -> {
      subscribed.remove(listener);
      return subscribed.isEmpty() ? null : subscribed;
    });
  }

  /** Drops what is kept for an environment that is gone (its streams end with the watcher). */
  public void forget(UUID environmentId) {
    current.remove(environmentId);
  }

  /** Listeners of the environment subscribed now. */
  public int listeners(UUID environmentId) {
    Set<EnvironmentEventListener> subscribed = listeners.get(environmentId);
    return subscribed == null ? 0 : subscribed.size();
  }
}
