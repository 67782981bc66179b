package io.envkeeper.cluster;

/**
 * Published when this process acquires its node's lease (at start, or again after losing it), and
 * when its wake-up channel reconnects: whatever was missed meanwhile is for a reconcile pass now.
 */
public record LeaseAcquiredEvent(String node, long epoch) {}
