package io.envkeeper.environment;

/**
 * The outcome of a create.
 *
 * @param replayed true when an Idempotency-Key matched an earlier create and nothing new was made
 */
public record CreatedEnvironment(Environment environment, boolean replayed) {}
