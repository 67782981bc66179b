package io.envkeeper.cluster;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * A process that has not acquired its node's lease yet (another live process holds the id, or it is
 * still starting), or that another process has taken the id over from, serves no API call at all:
 * {@code 503 node_unavailable}. A node that held its lease and lost it for a while still answers
 * reads from the database; {@link OwnerRouting} refuses its owner calls.
 */
@Component
public class NodeAdmission implements HandlerInterceptor {

  private final NodeLease lease;

  NodeAdmission(NodeLease lease) {
    this.lease = lease;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    NodeLease.State state = lease.state();
    if (state == NodeLease.State.ACQUIRING || state == NodeLease.State.SUPERSEDED) {
      throw new NodeUnavailableException("this process does not hold the lease of node " + lease.node()
          + (state == NodeLease.State.SUPERSEDED ? " (another process took the id over)" : " (yet)")
          + " and serves nothing", Math.max(1, lease.duration().toSeconds()));
    }
    return true;
  }
}
