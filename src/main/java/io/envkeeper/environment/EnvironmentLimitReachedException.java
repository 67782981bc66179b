package io.envkeeper.environment;

/** The tenant already has {@code envkeeper.limits.max-environments-per-tenant} live environments. */
public class EnvironmentLimitReachedException extends RuntimeException {

  public EnvironmentLimitReachedException(int limit) {
    super("this tenant already has " + limit + " environments that are not destroyed (the limit);"
        + " destroy one first");
  }
}
