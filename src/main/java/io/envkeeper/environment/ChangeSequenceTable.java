package io.envkeeper.environment;

import io.envkeeper.runtime.watch.ChangeSequences;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The change sequences' high-water marks in table {@code change_sequence}: one row per environment,
 * one statement per reserved block (each in its own transaction: a reservation is durable before a
 * single seq of it is handed out), one batch for the give-back of an orderly stop.
 */
@Component
class ChangeSequenceTable implements ChangeSequences {

  private final JdbcTemplate jdbc;

  ChangeSequenceTable(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Reservation reserve(UUID environmentId, int count) {
    Long top = jdbc.queryForObject(
        "INSERT INTO change_sequence (environment_id, reserved) VALUES (?, ?)"
            + " ON CONFLICT (environment_id) DO UPDATE SET reserved = change_sequence.reserved + EXCLUDED.reserved"
            + " RETURNING reserved",
        Long.class, environmentId, count);
    return new Reservation(top - count, top);
  }

  @Override
  public Set<UUID> release(Map<UUID, Release> releases) {
    if (releases.isEmpty()) {
      return Set.of();
    }
    List<UUID> ids = List.copyOf(releases.keySet());
    // Only while the mark is still the top of this run's own newest reservation: if anyone reserved
    // above it since (a process that took this node's id over while this one ran on without its
    // lease), lowering the mark would let a later start hand out that other holder's seqs again.
    // A repeated release finds the mark already lowered and changes nothing.
    List<Object[]> rows = ids.stream()
        .map(id -> new Object[] {releases.get(id).lastHandedOut(), id, releases.get(id).reservedTop()})
        .toList();
    int[][] counts = jdbc.batchUpdate(
        "UPDATE change_sequence SET reserved = ? WHERE environment_id = ? AND reserved = ?", rows, rows.size(),
        (statement, row) -> {
          statement.setLong(1, (Long) row[0]);
          statement.setObject(2, row[1]);
          statement.setLong(3, (Long) row[2]);
        });
    Set<UUID> released = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (counts[0][i] != 0) {
        released.add(ids.get(i));
      }
    }
    return released;
  }
}
