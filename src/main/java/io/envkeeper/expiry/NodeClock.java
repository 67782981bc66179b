package io.envkeeper.expiry;

import io.envkeeper.config.NodeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * When this node started, and until when its previous run was known to be running (the
 * {@code expiry_node_clock} row it stamps with every activity flush). Together they say how long
 * the node was down, which idle clocks do not count: nobody could reach its environments then.
 */
@Component
class NodeClock {

  private final JdbcTemplate jdbc;
  private final String node;
  private final Instant startedAt;
  private boolean previousRead;
  private Instant previousRunningAt;

  NodeClock(JdbcTemplate jdbc, NodeProperties node, Clock clock) {
    this.jdbc = jdbc;
    this.node = node.id();
    this.startedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  Instant startedAt() {
    return startedAt;
  }

  /**
   * The last stamp of the previous run (read once, before this run stamps anything), or empty when
   * this node has never run before.
   */
  synchronized Optional<Instant> previousRunningAt() {
    if (!previousRead) {
      List<OffsetDateTime> stamps = jdbc.queryForList(
          "SELECT running_at FROM expiry_node_clock WHERE node = ?", OffsetDateTime.class, node);
      previousRunningAt = stamps.isEmpty() ? null : stamps.get(0).toInstant();
      previousRead = true;
    }
    return Optional.ofNullable(previousRunningAt);
  }

  /** Records that this node is running at {@code now}. */
  void stamp(Instant now) {
    previousRunningAt();
    jdbc.update(
        "INSERT INTO expiry_node_clock (node, running_at) VALUES (?, ?)"
            + " ON CONFLICT (node) DO UPDATE SET running_at = EXCLUDED.running_at",
        node, OffsetDateTime.ofInstant(now.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
  }

  /**
   * Where the idle clock of an environment whose last known activity is {@code lastActivity}
   * counts from. Activity from this run counts as it is. Activity from before the start has the
   * downtime added: the idle time it had accrued when the previous run stopped is kept, the time the
   * node was down is not counted. Without a stamp of a previous run (the first start with expiry),
   * the downtime cannot be known and the start counts as activity.
   */
  Instant idleClockStart(Instant lastActivity) {
    if (!lastActivity.isBefore(startedAt)) {
      return lastActivity;
    }
    Optional<Instant> previous = previousRunningAt();
    if (previous.isEmpty() || !lastActivity.isBefore(previous.get())) {
      return startedAt;
    }
    Duration downtime = Duration.between(previous.get(), startedAt);
    return downtime.isNegative() ? lastActivity : lastActivity.plus(downtime);
  }
}
