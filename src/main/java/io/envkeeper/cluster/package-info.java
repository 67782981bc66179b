/**
 * Several nodes on one PostgreSQL: membership and leases, fencing of owner actions, placement of new
 * environments, forwarding of owner calls, destroy wake-ups through LISTEN/NOTIFY, node
 * administration (listing, retiring; its HTTP side is in {@code api}), health component and metrics.
 */
package io.envkeeper.cluster;
