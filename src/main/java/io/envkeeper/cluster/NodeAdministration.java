package io.envkeeper.cluster;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator's view of the nodes, and retiring a node that is gone for good: in one transaction,
 * with the node row locked against a process of that id coming back meanwhile, every environment
 * it owned goes to DESTROYED (its disk is gone with it: nothing is left to tear down) and its
 * unfinished worker rows to LOST; from then on nothing is placed on it.
 */
@Service
public class NodeAdministration {

  private static final Logger log = LoggerFactory.getLogger(NodeAdministration.class);

  /** A node as {@code GET /admin/nodes} shows it, with how many of its environments are READY and DESTROYING. */
  public record NodeSummary(
      String id, String advertiseUrl, boolean live, Instant leaseExpiresAt, Instant startedAt,
      long ready, long destroying) {}

  private static final String SUMMARIES =
      "SELECT n.id, n.advertise_url, n.lease_expires_at, n.started_at,"
          + " n.retired_at IS NULL AND n.lease_expires_at > clock_timestamp() AS live,"
          + " (SELECT count(*) FROM environment e WHERE e.node = n.id AND e.status = 'READY') AS ready,"
          + " (SELECT count(*) FROM environment e WHERE e.node = n.id AND e.status = 'DESTROYING') AS destroying"
          + " FROM node n";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final Clock clock;

  NodeAdministration(JdbcTemplate jdbc, TransactionTemplate transaction, Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** Every node not retired, by id. */
  public List<NodeSummary> list() {
    return jdbc.query(SUMMARIES + " WHERE n.retired_at IS NULL ORDER BY n.id", (row, i) -> summary(row));
  }

  /**
   * Retires a node whose lease has run out. Idempotent: retiring it again changes nothing more.
   *
   * @throws NodeNotFoundException if no node of this id ever held a lease
   * @throws NodeLiveException while its lease is live
   */
  public NodeSummary retire(String id) {
    return transaction.execute(status -> {
      List<Boolean> live = jdbc.query(
          "SELECT lease_expires_at > clock_timestamp() AND retired_at IS NULL FROM node WHERE id = ? FOR UPDATE",
          (row, i) -> row.getBoolean(1), id);
      if (live.isEmpty()) {
        throw new NodeNotFoundException(id);
      }
      if (live.get(0)) {
        throw new NodeLiveException(id);
      }
      Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
      String reason = "node " + id + " was retired: its workspace and workers are gone with it";
      jdbc.update("UPDATE node SET retired_at = COALESCE(retired_at, ?) WHERE id = ?", now, id);
      int environments = jdbc.update(
          // destroy_reason says why it left READY: one still READY leaves it now, for the retirement;
          // one already DESTROYING keeps the reason it left with (a client's destroy, its TTL, ...).
          "UPDATE environment SET status = 'DESTROYED', destroy_requested_at = COALESCE(destroy_requested_at, ?),"
              + " destroy_reason = COALESCE(destroy_reason, 'node_retired'),"
              + " destroyed_at = ?, updated_at = ?, last_error = ?, version = version + 1"
              + " WHERE node = ? AND status <> 'DESTROYED'",
          now, now, now, reason, id);
      int workers = jdbc.update(
          "UPDATE worker SET status = 'LOST', exited_at = ?, last_error = ?, version = version + 1"
              + " WHERE node = ? AND status IN ('RUNNING', 'STOPPING')",
          now, reason, id);
      log.info("node {}: retired; {} environment(s) -> DESTROYED, {} worker(s) -> LOST", id, environments, workers);
      return jdbc.query(SUMMARIES + " WHERE n.id = ?", (row, i) -> summary(row), id).get(0);
    });
  }

  private static NodeSummary summary(ResultSet row) throws SQLException {
    return new NodeSummary(
        row.getString("id"),
        row.getString("advertise_url"),
        row.getBoolean("live"),
        row.getTimestamp("lease_expires_at").toInstant(),
        row.getTimestamp("started_at").toInstant(),
        row.getLong("ready"),
        row.getLong("destroying"));
  }
}
