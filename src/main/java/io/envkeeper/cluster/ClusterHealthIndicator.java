package io.envkeeper.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code cluster}: UP while this node holds its lease, DOWN otherwise. Part of
 * the readiness group, so a node that may not act as owner takes no traffic.
 */
@Component
class ClusterHealthIndicator extends AbstractHealthIndicator {

  private final NodeLease lease;
  private final ClusterView view;

  ClusterHealthIndicator(NodeLease lease, ClusterView view) {
    this.lease = lease;
    this.view = view;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("node", lease.node());
    details.put("lease", lease.state().name());
    details.put("epoch", lease.epoch());
    details.put("leaseExpiresAt", lease.expiresAt());
    details.put("liveNodes", view.live().stream().map(ClusterView.Member::id).toList());
    (lease.isValid() ? builder.up() : builder.down()).withDetails(details);
  }
}
