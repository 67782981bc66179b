/**
 * Several nodes on one PostgreSQL: membership and leases, fencing of owner actions, placement of new
 * environments, forwarding of owner calls, destroy wake-ups through LISTEN/NOTIFY, and the node
 * admin API, health component and metrics.
 */
package io.envkeeper.cluster;
