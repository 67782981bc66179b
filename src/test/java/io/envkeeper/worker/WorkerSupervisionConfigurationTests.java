package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A supervision setting that cannot be right stops start-up with a message naming the property. */
class WorkerSupervisionConfigurationTests {

  private static final String PROFILE = "envkeeper.workers.profiles.lsp.";

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "restart|sometimes",
    "max-restarts|-1",
    "restart-window|0s",
    "restart-backoff|-1s",
    "restart-backoff-max|soon",
    "ready-line|listening on (",
    "limits.memory-max|lots",
    "limits.memory-max|-1MB",
    "limits.pids-max|0",
    "limits.cpu-weight|0",
    "limits.cpu-weight|10001",
    "rlimits.nofile|-1",
    "rlimits.nproc|many",
    "rlimits.core|-5",
  })
  void badSettingFailsStartUpNamingTheProperty(String property, String value) {
    assertThatThrownBy(() -> start(PROFILE + property + "=" + value))
        .hasStackTraceContaining(PROFILE + property);
  }

  @ParameterizedTest(name = "containment.mode={0}")
  @CsvSource({"sometimes", "cgroups"})
  void unknownContainmentModeFailsStartUp(String mode) {
    assertThatThrownBy(() -> start("envkeeper.workers.containment.mode=" + mode))
        .hasStackTraceContaining("envkeeper.workers.containment.mode");
  }

  private static void start(String property) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.data-dir=" + TestDirectories.create("supervision-data"),
        "envkeeper.workspace.roots[0]=" + TestDirectories.create("supervision-root"),
        "envkeeper.workspace.managed-root=" + TestDirectories.create("supervision-managed"),
        PROFILE + "command=sleep,1000"));
    properties.add(property);
    TestApplication.start(properties).close();
  }
}
