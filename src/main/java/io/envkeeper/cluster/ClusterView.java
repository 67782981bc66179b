package io.envkeeper.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The nodes as last read by the membership loop (every heartbeat), for decisions that must not cost
 * a query per request: where to forward a call, whether an owner is live. Liveness is the
 * database's: each lease's remaining time at the read, counted down on this process's monotonic
 * clock from the moment the read was sent, so a node is never taken for live after its lease ran out.
 */
@Component
class ClusterView {

  /** A node as routing sees it. */
  record Member(String id, String advertiseUrl, long epoch, boolean retired, long liveUntilNanos) {

    boolean isLive() {
      return !retired && System.nanoTime() - liveUntilNanos < 0;
    }
  }

  private volatile Map<String, Member> members = Map.of();
  private volatile long refreshedAtNanos;

  void update(List<NodeRecord> nodes, long readSentAtNanos) {
    members = nodes.stream()
        .map(node -> new Member(node.id(), node.advertiseUrl(), node.epoch(), node.retiredAt() != null,
            readSentAtNanos + node.leaseRemainingNanos()))
        .collect(Collectors.toUnmodifiableMap(Member::id, Function.identity()));
    refreshedAtNanos = System.nanoTime();
  }

  Optional<Member> member(String id) {
    return Optional.ofNullable(members.get(id));
  }

  /** Members that are live now. */
  List<Member> live() {
    return members.values().stream().filter(Member::isLive).sorted(java.util.Comparator.comparing(Member::id)).toList();
  }

  List<Member> all() {
    return members.values().stream().sorted(java.util.Comparator.comparing(Member::id)).toList();
  }

  long refreshedAtNanos() {
    return refreshedAtNanos;
  }
}
