package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.environment.NotOwnerException;
import io.envkeeper.environment.Ownership;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@link Ownership} from this node's lease. The fence is one indexed read of the node row in the
 * caller's transaction; {@code FOR KEY SHARE} keeps a takeover (which locks the row {@code FOR
 * UPDATE}) waiting until that transaction has committed, while the holder's own renewals (a plain
 * update of a non-key column) never wait for it.
 */
@Component
record LeaseOwnership(NodeProperties node, NodeLease lease, JdbcTemplate jdbc, DestroySeen destroySeen)
    implements Ownership {

  /** The channel destroy wake-ups travel on; the payload is {@code "<owner node> <environment id>"}. */
  static final String DESTROY_CHANNEL = "envkeeper_destroy";

  /** The channel every change of an environment row is announced on (trigger of migration V9); payload: its id. */
  static final String ENVIRONMENT_CHANNEL = "envkeeper_environment";

  private static final String FENCE =
      "SELECT epoch FROM node WHERE id = ? AND epoch = ? AND lease_expires_at > clock_timestamp()";

  @Override
  public String localNode() {
    return node.id();
  }

  @Override
  public boolean actsAsOwner() {
    return lease.isValid();
  }

  @Override
  public void fence() {
    long epoch = lease.epoch();
    if (!lease.isValid()) {
      throw new NotOwnerException("node " + node.id() + " holds no valid lease (" + lease.state() + ")");
    }
    boolean readOnly = TransactionSynchronizationManager.isCurrentTransactionReadOnly();
    String sql = readOnly || !TransactionSynchronizationManager.isActualTransactionActive() ? FENCE : FENCE + " FOR KEY SHARE";
    List<Long> held = jdbc.queryForList(sql, Long.class, node.id(), epoch);
    if (held.isEmpty()) {
      throw new NotOwnerException("node " + node.id() + ": the lease of epoch " + epoch + " has run out or was taken over");
    }
  }

  @Override
  public void announceDestroy(UUID environmentId, String owner) {
    jdbc.queryForList("SELECT pg_notify(?, ?)", DESTROY_CHANNEL, owner + " " + environmentId);
  }

  @Override
  public boolean awaitDestroySeen(UUID environmentId, String owner) {
    return destroySeen.await(environmentId, owner);
  }
}
