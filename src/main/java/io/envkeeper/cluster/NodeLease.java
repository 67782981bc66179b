package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * This process's own view of its node's lease. The membership loop records each acquisition and
 * renewal; everyone else only asks. The view is conservative: it counts the lease from the moment
 * the renewal was <em>sent</em>, on this process's monotonic clock, so it always runs out no later
 * than the database's lease does (the database stays the authority: see {@link LeaseOwnership#fence()}).
 */
@Component
class NodeLease {

  /** Where this process stands with its node id. */
  enum State {
    /** Never held the lease yet (starting, or another live process holds the id). */
    ACQUIRING,
    /** Held, valid until the recorded deadline unless renewed. */
    HELD,
    /** Held before; a renewal failed or came too late. Re-acquired when possible. */
    LOST,
    /** Another process took the id over after this one lost it: this one never acts again. */
    SUPERSEDED,
    /** Given up on shutdown. */
    RELEASED
  }

  /** One holding: the epoch (fencing token) and when it runs out, locally and by the database. */
  record Holding(long epoch, long validUntilNanos, Instant expiresAt) {}

  private final String node;
  private final Duration duration;
  private volatile State state = State.ACQUIRING;
  private volatile Holding holding;

  NodeLease(NodeProperties node, ClusterProperties properties) {
    this.node = node.id();
    this.duration = properties.leaseDuration();
  }

  /** The node id the lease is for: this process's {@code envkeeper.node.id}. */
  String node() {
    return node;
  }

  /** How long a holding lasts after the renewal that was sent ({@code envkeeper.cluster.lease-duration}). */
  Duration duration() {
    return duration;
  }

  /** Whether this process may act as the owner right now. */
  boolean isValid() {
    Holding current = holding;
    return state == State.HELD && current != null && System.nanoTime() - current.validUntilNanos() < 0;
  }

  /** The epoch of the current (or last) holding; 0 if this process never held the lease. */
  long epoch() {
    Holding current = holding;
    return current == null ? 0 : current.epoch();
  }

  /** The database's expiry of the current (or last) holding; null if never held. */
  Instant expiresAt() {
    Holding current = holding;
    return current == null ? null : current.expiresAt();
  }

  State state() {
    State current = state;
    return current == State.HELD && !isValid() ? State.LOST : current;
  }

  synchronized void held(long epoch, long sentAtNanos, Instant expiresAt) {
    if (state == State.SUPERSEDED || state == State.RELEASED) {
      return;
    }
    holding = new Holding(epoch, sentAtNanos + duration.toNanos(), expiresAt);
    state = State.HELD;
  }

  synchronized void lost() {
    if (state == State.HELD) {
      state = State.LOST;
    }
  }

  synchronized void superseded() {
    state = State.SUPERSEDED;
  }

  synchronized void released() {
    if (state != State.SUPERSEDED) {
      state = State.RELEASED;
    }
  }

  /** A paused application restarts: it may acquire again (a new epoch). */
  synchronized void restart() {
    if (state == State.RELEASED) {
      state = State.ACQUIRING;
    }
  }
}
