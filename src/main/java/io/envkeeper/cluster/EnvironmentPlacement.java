package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where {@code POST /environments} creates an environment. Its workspace lives on the owner's disk
 * and its watcher in the owner's process, and both must exist before the create is answered, so a
 * create placed on another node is forwarded to that node (as the same caller), which creates it
 * as for any local create. The Idempotency-Key and the per-tenant limits hold across nodes because
 * both are decided in the shared database.
 *
 * <ul>
 *   <li>{@code "node"} given: that node, if it is live (else {@code 409 node_unavailable});
 *   <li>a client {@code path}: the receiving node (the path is on its disk);
 *   <li>managed: the live node with the fewest READY environments (ties at random), by the
 *       database's clock; or the receiving node with {@code placement: receiving-node}.
 * </ul>
 */
@Component
public class EnvironmentPlacement {

  private static final String LEAST_READY_LIVE_NODE =
      "SELECT n.id, n.advertise_url FROM node n"
          + " WHERE n.retired_at IS NULL AND n.lease_expires_at > clock_timestamp()"
          + " ORDER BY (SELECT count(*) FROM environment e WHERE e.node = n.id AND e.status = 'READY'), random()"
          + " LIMIT 1";
  private static final String LIVE_NODE =
      "SELECT n.id, n.advertise_url FROM node n"
          + " WHERE n.id = ? AND n.retired_at IS NULL AND n.lease_expires_at > clock_timestamp()";

  private final NodeProperties node;
  private final ClusterProperties properties;
  private final NodeLease lease;
  private final JdbcTemplate jdbc;
  private final Forwarder forwarder;

  EnvironmentPlacement(
      NodeProperties node, ClusterProperties properties, NodeLease lease, JdbcTemplate jdbc, Forwarder forwarder) {
    this.node = node;
    this.properties = properties;
    this.lease = lease;
    this.jdbc = jdbc;
    this.forwarder = forwarder;
  }

  /**
   * Places a create. Returns true when it is for this node (the caller creates it); otherwise it has
   * been forwarded to its node and the owner's answer is written to {@code response}.
   *
   * @param pinned the body's {@code node}, or null
   * @param clientPath whether the body names a {@code path}
   * @param body the request body to forward (asked only when it is forwarded)
   */
  public boolean placeHere(String pinned, boolean clientPath, HttpServletRequest request,
      HttpServletResponse response, Supplier<byte[]> body) {
    Target target = target(pinned, clientPath, request.getHeader(HopHeaders.FORWARDED_BY) != null);
    if (target.id().equals(node.id())) {
      if (!lease.isValid()) {
        throw new NodeUnavailableException("this node (" + node.id() + ") holds no lease and creates nothing until"
            + " it holds one again", Math.max(1, properties.leaseDuration().toSeconds()));
      }
      return true;
    }
    forwarder.forward(request, response, new ClusterView.Member(target.id(), target.advertiseUrl(), 0, false,
        System.nanoTime() + properties.heartbeatInterval().toNanos()), body.get());
    return false;
  }

  private Target target(String pinned, boolean clientPath, boolean forwarded) {
    if (forwarded) {
      // Placed by the node that forwarded it: created here, or refused if it names another node.
      if (pinned != null && !pinned.equals(node.id())) {
        throw new PlacementRefusedException("node '" + abbreviate(pinned) + "' is not this node");
      }
      return new Target(node.id(), null);
    }
    if (pinned != null) {
      if (pinned.equals(node.id()) && lease.isValid()) {
        return new Target(node.id(), null);
      }
      return jdbc.query(LIVE_NODE, (row, i) -> new Target(row.getString(1), row.getString(2)), pinned).stream()
          .findFirst()
          .orElseThrow(() -> new PlacementRefusedException("node '" + abbreviate(pinned) + "' is unknown or not live"));
    }
    if (clientPath || properties.placement() == ClusterProperties.Placement.RECEIVING_NODE) {
      return new Target(node.id(), null);
    }
    List<Target> least = jdbc.query(LEAST_READY_LIVE_NODE, (row, i) -> new Target(row.getString(1), row.getString(2)));
    if (least.isEmpty()) {
      throw new NodeUnavailableException("no node is live", Math.max(1, properties.leaseDuration().toSeconds()));
    }
    return least.get(0);
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  private record Target(String id, String advertiseUrl) {}
}
