package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The containment tests where workers get no cgroup (a host or pod without a writable cgroup v2
 * tree, here forced): the process group, descendant tracking, the worker's id in the environment of
 * what it starts, and rlimits hold instead. The cgroup-only cases are skipped by their assumptions.
 */
@TestPropertySource(properties = "envkeeper.workers.containment.mode=process-group")
class WorkerProcessGroupContainmentIntegrationTests extends WorkerContainmentIntegrationTests {

  @Override
  String expectedContainment() {
    return "process-group";
  }

  @Test
  void healthSaysWhyWorkersGetNoCgroup() {
    assertThat(reaperDetails().get("containmentReason").asString()).contains("containment.mode=process-group");
  }
}
