package io.envkeeper.deploy;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** The values files the chart is checked with; each rendered once per test JVM. */
enum Scenario {
  /** The chart's defaults plus the database URL it cannot default. */
  DEFAULTS("helm/ci/default-values.yaml"),
  /** Every optional feature on, every value changed from its default. */
  ALL_FEATURES("helm/ci/all-features-values.yaml");

  private static final Map<Scenario, RenderedChart> RENDERED = new EnumMap<>(Scenario.class);

  final Path valuesFile;

  Scenario(String valuesFile) {
    this.valuesFile = Path.of(valuesFile);
  }

  RenderedChart rendered() {
    synchronized (RENDERED) {
      return RENDERED.computeIfAbsent(this, scenario -> RenderedChart.render("-f", scenario.valuesFile.toString()));
    }
  }

  /** Renders with this scenario's values plus more Helm arguments (not cached). */
  RenderedChart renderedWith(String... moreArgs) {
    String[] args = new String[moreArgs.length + 2];
    args[0] = "-f";
    args[1] = valuesFile.toString();
    System.arraycopy(moreArgs, 0, args, 2, moreArgs.length);
    return RenderedChart.render(args);
  }
}
