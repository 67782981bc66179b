package io.envkeeper.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * Which {@link FaultInjection} the service gets. Production gets {@link FaultInjection#NONE}. The
 * halting one needs two things that only a deliberate test run has, both on the process's own
 * command line (which no environment variable, configuration file or config map can add to):
 *
 * <ol>
 *   <li>the profile: {@code --spring.profiles.active=fault-injection} as a command-line argument.
 *       The profile activated any other way ({@code SPRING_PROFILES_ACTIVE}, a config file, a profile
 *       group) stops the start-up with an error instead of arming anything;
 *   <li>the points: {@code --envkeeper.test.crash-at=<point>[,<point>]} and/or
 *       {@code --envkeeper.test.hang-at=...} (and the cluster's {@code
 *       --envkeeper.test.heartbeat-stall-file=<path>}), read from the command-line arguments only.
 *       The same keys from anywhere else, {@code ENVKEEPER_TEST_CRASH_AT} included, are ignored (and
 *       said so).
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
class FaultInjectionConfiguration {

  static final String PROFILE = "fault-injection";
  static final String CRASH_AT = "envkeeper.test.crash-at";
  static final String HANG_AT = "envkeeper.test.hang-at";
  static final String HEARTBEAT_STALL_FILE = "envkeeper.test.heartbeat-stall-file";
  private static final Logger log = LoggerFactory.getLogger(FaultInjectionConfiguration.class);

  @Bean
  @Profile("!" + PROFILE)
  FaultInjection noFaultInjection(Environment environment) {
    if (environment.containsProperty(CRASH_AT) || environment.containsProperty(HANG_AT)
        || environment.containsProperty(HEARTBEAT_STALL_FILE)) {
      log.warn("{} / {} / {} are set but fault injection is off: ignored (test runs pass them on the command"
          + " line with --spring.profiles.active={})", CRASH_AT, HANG_AT, HEARTBEAT_STALL_FILE, PROFILE);
    }
    return FaultInjection.NONE;
  }

  @Bean
  @Profile(PROFILE)
  FaultInjection armedFaultInjection(ApplicationArguments arguments) {
    if (!commandLineValues(arguments, "spring.profiles.active").contains(PROFILE)) {
      throw new IllegalStateException("the " + PROFILE + " profile is active but was not given as"
          + " --spring.profiles.active on the command line: refusing to start with test hooks half-enabled");
    }
    List<String> stallFile = commandLineValues(arguments, HEARTBEAT_STALL_FILE);
    return new ArmedFaultInjection(points(arguments, CRASH_AT), points(arguments, HANG_AT),
        stallFile.isEmpty() ? null : Path.of(stallFile.get(stallFile.size() - 1)));
  }

  private static Set<FaultPoint> points(ApplicationArguments arguments, String option) {
    Set<FaultPoint> points = EnumSet.noneOf(FaultPoint.class);
    for (String id : commandLineValues(arguments, option)) {
      points.add(FaultPoint.byId(id).orElseThrow(() -> new IllegalArgumentException(
          "--" + option + ": unknown point '" + id + "'; known: " + Arrays.stream(FaultPoint.values()).map(FaultPoint::id).toList())));
    }
    return points;
  }

  /** Every comma-separated value of {@code --option=...} on the command line, and nothing else. */
  private static List<String> commandLineValues(ApplicationArguments arguments, String option) {
    List<String> values = arguments.getOptionValues(option);
    if (values == null) {
      return List.of();
    }
    return values.stream().flatMap(value -> Arrays.stream(value.split(","))).map(String::strip)
        .filter(value -> !value.isEmpty()).toList();
  }
}
