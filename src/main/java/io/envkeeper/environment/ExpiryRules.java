package io.envkeeper.environment;

import java.time.Duration;

/**
 * The rules for the TTL and idle timeout a client sends: what a valid duration is, the configured
 * defaults and caps. Implemented by the expiry feature; environments only apply the outcome. A
 * refusal is thrown as an exception that maps to a problem with a stable code, before anything is
 * changed.
 */
public interface ExpiryRules {

  /** The TTL of a new environment: {@code requested} once checked, else the default; {@code null} for none. */
  Duration ttlForCreate(Duration requested);

  /** The idle timeout of a new environment, like {@link #ttlForCreate}. */
  Duration idleTimeoutForCreate(Duration requested);

  /** Checks a TTL set on an existing environment; {@code null} asks to remove its TTL. */
  void checkTtl(Duration ttl);

  /** Checks an idle timeout set on an existing environment; {@code null} asks to remove it. */
  void checkIdleTimeout(Duration idleTimeout);
}
