package io.envkeeper.cluster;

import io.envkeeper.deadline.Await;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Lets a node that accepted a destroy for another node's environment answer only once the owner
 * can no longer show the environment READY from its memory: the owner acknowledges each destroy
 * wake-up (channel {@value #CHANNEL}, payload {@code "<owner> <environment id>"}) after dropping
 * the row from its cache, and the accepting node waits for that, bounded by the time the owner's
 * lease can still last (an owner that cannot acknowledge stops serving its cache when its lease
 * runs out).
 */
@Component
class DestroySeen {

  static final String CHANNEL = "envkeeper_destroy_seen";
  /** Acknowledgements nobody waited for are kept at most this many (then the completed ones go). */
  private static final int MAX_PENDING = 1_000;

  private final Map<UUID, CompletableFuture<Void>> acknowledgements = new ConcurrentHashMap<>();
  private final ClusterView view;
  private final ClusterProperties properties;

  DestroySeen(ClusterView view, ClusterProperties properties) {
    this.view = view;
    this.properties = properties;
  }

  /** The owner's acknowledgement arrived (payload {@code "<owner> <environment id>"}). */
  void received(String payload) {
    int space = payload.indexOf(' ');
    UUID id;
    try {
      id = UUID.fromString(payload.substring(space + 1));
    } catch (IllegalArgumentException e) {
      return;
    }
    if (acknowledgements.size() >= MAX_PENDING) {
      acknowledgements.values().removeIf(CompletableFuture::isDone);
    }
    acknowledgements.computeIfAbsent(id, key -> new CompletableFuture<>()).complete(null);
  }

  /**
   * Waits until {@code owner} acknowledged the destroy of {@code id}, or until its lease can no
   * longer be held (as this node last saw it, plus the heartbeats it may have renewed since, and
   * never longer than one lease duration from now).
   *
   * @return whether the acknowledgement arrived
   */
  boolean await(UUID id, String owner) {
    Duration bound = bound(owner);
    CompletableFuture<Void> acknowledged = acknowledgements.computeIfAbsent(id, key -> new CompletableFuture<>());
    try {
      return bound.isZero() ? acknowledged.isDone() : Await.completion(acknowledged, bound);
    } finally {
      acknowledgements.remove(id, acknowledged);
    }
  }

  private Duration bound(String owner) {
    long untilNanos = view.member(owner)
        .map(member -> member.liveUntilNanos() + properties.heartbeatInterval().multipliedBy(2).toNanos())
        .orElse(System.nanoTime());
    long remaining = Math.min(untilNanos - System.nanoTime(), properties.leaseDuration().toNanos());
    return remaining <= 0 ? Duration.ZERO : Duration.ofNanos(remaining);
  }
}
