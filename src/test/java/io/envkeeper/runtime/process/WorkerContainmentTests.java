package io.envkeeper.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.runtime.process.WorkerProperties.Profile.Limits;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What a profile's limits write into a worker's cgroup, controller by controller. */
class WorkerContainmentTests {

  private static final Limits ALL = new Limits(DataSize.ofMegabytes(512), 64L, 50);

  @Test
  void everyLimitGoesToItsInterfaceFileAndAnOomKillTakesTheWholeWorker() {
    assertThat(WorkerContainment.settings(ALL, Set.of("memory", "pids", "cpu")))
        .containsExactly(
            java.util.Map.entry("memory.max", "536870912"),
            java.util.Map.entry("memory.oom.group", "1"),
            java.util.Map.entry("pids.max", "64"),
            java.util.Map.entry("cpu.weight", "50"));
  }

  /** A limit whose controller is not enabled is left out (and reported at start-up), never written. */
  @Test
  void limitWithoutItsControllerIsNotWritten() {
    assertThat(WorkerContainment.settings(ALL, Set.of("pids"))).containsOnlyKeys("pids.max");
    assertThat(WorkerContainment.settings(ALL, Set.of())).isEmpty();
  }

  @Test
  void noLimitsWriteNothing() {
    assertThat(WorkerContainment.settings(new Limits(null, null, null), Set.of("memory", "pids", "cpu"))).isEmpty();
  }
}
