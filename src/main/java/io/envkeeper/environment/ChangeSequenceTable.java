package io.envkeeper.environment;

import io.envkeeper.runtime.watch.ChangeSequences;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The change sequences' high-water marks in table {@code change_sequence}: one row per environment,
 * one statement per reserved block (each in its own transaction: a reservation is durable before a
 * single seq of it is handed out).
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
  public void release(Map<UUID, Long> lastHandedOut) {
    if (lastHandedOut.isEmpty()) {
      return;
    }
    // Never below what was handed out: the condition keeps a late or repeated release harmless.
    List<Object[]> rows = lastHandedOut.entrySet().stream()
        .map(entry -> new Object[] {entry.getValue(), entry.getKey(), entry.getValue()})
        .toList();
    jdbc.batchUpdate(
        "UPDATE change_sequence SET reserved = ? WHERE environment_id = ? AND reserved >= ?", rows);
  }
}
