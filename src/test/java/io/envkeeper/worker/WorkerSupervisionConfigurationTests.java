package io.envkeeper.worker;

import static org.assertj.core.api.Assertions.assertThat;
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
        .satisfies(failure -> assertThat(stackTrace(failure)).containsAnyOf(PROFILE + property, beanPath(property)));
  }

  /**
   * Spring names a property that failed conversion as configured ({@code ...lsp.max-restarts}) and
   * one that failed validation by its path in the record ({@code ...profiles[lsp].maxRestarts}):
   * both name it.
   */
  private static String beanPath(String property) {
    StringBuilder camel = new StringBuilder();
    for (int i = 0; i < property.length(); i++) {
      char c = property.charAt(i);
      if (c == '-' && i + 1 < property.length()) {
        camel.append(Character.toUpperCase(property.charAt(++i)));
      } else {
        camel.append(c);
      }
    }
    return "envkeeper.workers.profiles[lsp]." + camel;
  }

  private static String stackTrace(Throwable failure) {
    java.io.StringWriter out = new java.io.StringWriter();
    failure.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  /** A cgroup name is one directory below the service's cgroup: never a path, never "." or "..". */
  @ParameterizedTest(name = "containment.{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "mode|sometimes|mode",
    "mode|cgroups|mode",
    "cgroup-name|..|cgroupName",
    "cgroup-name|a/b|cgroupName",
    "cgroup-name|.hidden|cgroupName",
  })
  void badContainmentSettingFailsStartUpNamingTheProperty(String property, String value, String field) {
    assertThatThrownBy(() -> start("envkeeper.workers.containment." + property + "=" + value))
        .satisfies(failure -> assertThat(stackTrace(failure))
            .containsAnyOf("envkeeper.workers.containment." + property, "envkeeper.workers.containment." + field));
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
