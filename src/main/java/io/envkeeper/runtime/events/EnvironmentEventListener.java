package io.envkeeper.runtime.events;

/**
 * Someone following an environment's events (an SSE stream). Called on the publisher's thread:
 * implementations must return at once and do their own sending elsewhere.
 */
public interface EnvironmentEventListener {

  void eventPublished(EnvironmentEvent event);
}
