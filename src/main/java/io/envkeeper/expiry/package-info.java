/**
 * Expiry: environments that clean up after themselves. The rules for {@code ttl} and
 * {@code idleTimeout}, activity kept in the owner's memory (and flushed in batches), the deadlines
 * computed from both, and the pass that announces and carries out expiries through the normal
 * destroy path.
 */
package io.envkeeper.expiry;
