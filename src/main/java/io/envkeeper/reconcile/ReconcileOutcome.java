package io.envkeeper.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one pass did.
 *
 * @param databaseReachable false when the pass was skipped because the database could not be read
 * @param actions how often each action was taken (e.g. {@code destroy_retried})
 * @param failures environments whose action failed this pass (the pass carried on)
 * @param destroyingCount DESTROYING environments of this node seen by the pass
 * @param oldestDestroyingSince when the oldest of them began destroying, or {@code null}
 */
public record ReconcileOutcome(
    boolean databaseReachable,
    Map<String, Integer> actions,
    int failures,
    int destroyingCount,
    Instant oldestDestroyingSince,
    Duration duration) {

  public ReconcileOutcome {
    actions = Map.copyOf(actions);
  }

  static ReconcileOutcome databaseUnreachable(Duration duration) {
    return new ReconcileOutcome(false, Map.of(), 0, 0, null, duration);
  }
}
