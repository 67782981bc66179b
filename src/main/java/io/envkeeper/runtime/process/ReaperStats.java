package io.envkeeper.runtime.process;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A consistent copy of the reaper's counters (read only: taking one changes nothing). */
record ReaperStats(
    int registered, long reapedTotal, long vanishedTotal, long adoptedTotal, long sweeps,
    Instant lastSweepAt, boolean workerAlive, long respawns, int zombies, boolean subreaper, int outputs,
    long killedReapedTotal) {

  /** The details of the {@code reaper} health component, named as the API contract names them. */
  Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("registered", registered);
    details.put("reapedTotal", reapedTotal);
    details.put("vanishedTotal", vanishedTotal);
    details.put("adoptedTotal", adoptedTotal);
    details.put("sweeps", sweeps);
    if (lastSweepAt != null) {
      details.put("lastSweepAt", lastSweepAt);
    }
    details.put("workerAlive", workerAlive);
    details.put("respawns", respawns);
    details.put("zombies", zombies);
    details.put("subreaper", subreaper);
    details.put("outputs", outputs);
    details.put("killedReapedTotal", killedReapedTotal);
    return details;
  }
}
