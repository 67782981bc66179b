package io.envkeeper.environment;

import java.util.UUID;

/**
 * This node's right to act as the owner of its environments (implemented by the cluster feature,
 * which holds the node's lease). Owner actions ask {@link #actsAsOwner()} before they start and
 * call {@link #fence()} inside the transaction that commits their outcome, so a node that lost its
 * lease, or a second process started with the same node id, never commits as owner.
 */
public interface Ownership {

  /** This node's id, as recorded in the {@code node} column of the rows it owns. */
  String localNode();

  /** Whether this process holds its node's lease right now (its own, conservative view). */
  boolean actsAsOwner();

  /**
   * Inside the caller's transaction: goes on only while this process holds its node's lease by the
   * database's clock, with the epoch it acquired; until the commit, no other process can take the
   * lease over. A read-only transaction gets the check without the lock.
   *
   * @throws NotOwnerException if it does not hold the lease
   */
  void fence();

  /**
   * Inside the caller's transaction: once it commits, wakes {@code owner} to tear down the
   * environment whose destroy this transaction accepted.
   */
  void announceDestroy(UUID environmentId, String owner);

  /**
   * After the commit of a destroy announced to {@code owner}: waits until the owner has dropped the
   * environment's READY row from its memory, or until the owner's lease can no longer be held (then
   * it serves nothing from memory). Bounded by one lease duration.
   *
   * @return whether the owner acknowledged
   */
  boolean awaitDestroySeen(UUID environmentId, String owner);
}
