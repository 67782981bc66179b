package io.envkeeper.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements on the {@code node} table that the membership loop runs on its own connection.
 * Every lease time is the database's ({@code clock_timestamp()}), never this host's clock.
 */
final class NodeTable {

  /** What an attempt to acquire the lease found. */
  sealed interface Acquisition {
    /** Acquired (or still held by this process): the new epoch and its expiry. */
    record Acquired(long epoch, Instant expiresAt) implements Acquisition {}

    /** Another live process holds the id. */
    record HeldElsewhere(long epoch, Instant expiresAt) implements Acquisition {}

    /** Another process acquired the id after this one lost it. */
    record Superseded(long epoch) implements Acquisition {}

    /** A concurrent first insert won; try again at the next heartbeat. */
    record Raced() implements Acquisition {}
  }

  static final String SELECT_NODES =
      "SELECT id, advertise_url, epoch, lease_expires_at, started_at, retired_at,"
          + " EXTRACT(EPOCH FROM (lease_expires_at - clock_timestamp())) AS remaining FROM node";

  private NodeTable() {}

  /**
   * Acquires the lease of {@code id} unless another live process holds it. The row is locked
   * ({@code FOR UPDATE}) for the decision: that waits for owner transactions of an earlier holder
   * still in flight (they hold {@code FOR KEY SHARE}), so none of them can commit after the takeover.
   *
   * @param heldEpoch the epoch this process held last, 0 if none: a row showing another epoch means
   *     this process was superseded
   */
  static Acquisition acquire(Connection connection, String id, String advertiseUrl, Duration lease, long heldEpoch)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      Acquisition result = acquireInTransaction(connection, id, advertiseUrl, lease, heldEpoch);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection);
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static Acquisition acquireInTransaction(
      Connection connection, String id, String advertiseUrl, Duration lease, long heldEpoch) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT epoch, lease_expires_at, lease_expires_at > clock_timestamp() AS live FROM node WHERE id = ? FOR UPDATE")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return insert(connection, id, advertiseUrl, lease);
        }
        long epoch = row.getLong("epoch");
        Instant expiresAt = row.getTimestamp("lease_expires_at").toInstant();
        boolean live = row.getBoolean("live");
        if (heldEpoch != 0 && epoch != heldEpoch) {
          return new Acquisition.Superseded(epoch);
        }
        if (live && epoch != heldEpoch) {
          return new Acquisition.HeldElsewhere(epoch, expiresAt);
        }
      }
    }
    // Expired, or still this process's own: a new epoch either way, so anything decided under the
    // old one can no longer commit.
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE node SET epoch = epoch + 1, advertise_url = ?,"
            + " lease_expires_at = clock_timestamp() + make_interval(secs => ?),"
            + " started_at = CASE WHEN ? THEN clock_timestamp() ELSE started_at END, retired_at = NULL"
            + " WHERE id = ? RETURNING epoch, lease_expires_at")) {
      update.setString(1, advertiseUrl);
      update.setDouble(2, seconds(lease));
      update.setBoolean(3, heldEpoch == 0);
      update.setString(4, id);
      try (ResultSet row = update.executeQuery()) {
        row.next();
        return new Acquisition.Acquired(row.getLong(1), row.getTimestamp(2).toInstant());
      }
    }
  }

  private static Acquisition insert(Connection connection, String id, String advertiseUrl, Duration lease)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO node (id, advertise_url, epoch, lease_expires_at, started_at)"
            + " VALUES (?, ?, 1, clock_timestamp() + make_interval(secs => ?), clock_timestamp())"
            + " ON CONFLICT (id) DO NOTHING RETURNING epoch, lease_expires_at")) {
      insert.setString(1, id);
      insert.setString(2, advertiseUrl);
      insert.setDouble(3, seconds(lease));
      try (ResultSet row = insert.executeQuery()) {
        if (!row.next()) {
          return new Acquisition.Raced();
        }
        return new Acquisition.Acquired(row.getLong(1), row.getTimestamp(2).toInstant());
      }
    }
  }

  /**
   * Extends the lease while it is still valid and still this epoch's.
   *
   * @return the new expiry, or null if the lease was no longer this process's to renew
   */
  static Instant renew(Connection connection, String id, long epoch, Duration lease) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE node SET lease_expires_at = clock_timestamp() + make_interval(secs => ?)"
            + " WHERE id = ? AND epoch = ? AND lease_expires_at > clock_timestamp() RETURNING lease_expires_at")) {
      update.setDouble(1, seconds(lease));
      update.setString(2, id);
      update.setLong(3, epoch);
      try (ResultSet row = update.executeQuery()) {
        return row.next() ? row.getTimestamp(1).toInstant() : null;
      }
    }
  }

  /** Ends the lease now (shutdown), so other nodes see this one down at once. */
  static void release(Connection connection, String id, long epoch) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE node SET lease_expires_at = clock_timestamp()"
            + " WHERE id = ? AND epoch = ? AND lease_expires_at > clock_timestamp()")) {
      update.setString(1, id);
      update.setLong(2, epoch);
      update.executeUpdate();
    }
  }

  static List<NodeRecord> all(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_NODES + " ORDER BY id");
        ResultSet rows = select.executeQuery()) {
      List<NodeRecord> nodes = new ArrayList<>();
      while (rows.next()) {
        nodes.add(read(rows));
      }
      return nodes;
    }
  }

  static NodeRecord read(ResultSet row) throws SQLException {
    Timestamp retired = row.getTimestamp("retired_at");
    return new NodeRecord(
        row.getString("id"),
        row.getString("advertise_url"),
        row.getLong("epoch"),
        row.getTimestamp("lease_expires_at").toInstant(),
        row.getTimestamp("started_at").toInstant(),
        retired == null ? null : retired.toInstant(),
        (long) (row.getDouble("remaining") * 1_000_000_000L));
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is being given up anyway
    }
  }
}
