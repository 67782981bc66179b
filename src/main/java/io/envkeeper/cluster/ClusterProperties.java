package io.envkeeper.cluster;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the nodes of one deployment share the work.
 *
 * @param heartbeatInterval Time between two renewals of this node's lease (and refreshes of its view
 *     of the other nodes).
 * @param leaseDuration How long a lease lasts after its last renewal, by the database's clock. A
 *     node not renewed for this long is down: its environments answer {@code 503 node_unavailable},
 *     and it stops acting as their owner. At least three heartbeats.
 * @param placement Where {@code POST /environments} puts a managed environment without a {@code
 *     node}: {@code least-ready} (the live node with the fewest READY environments) or {@code
 *     receiving-node} (the node that received the request).
 * @param forwardConnectTimeout Longest wait for a connection to the owner when forwarding a call.
 * @param forwardTimeout Longest a forwarded call (other than a stream) may take, answer included;
 *     above the longest {@code ?wait=} a call may ask for (60 s).
 * @param streamIdleTimeout A forwarded event stream silent for this long is closed (the owner sends a
 *     heartbeat comment every 15 s, so only a dead owner or connection is this quiet).
 * @param maxForwardedStreams Most event streams this node forwards at once; more are refused with
 *     {@code 503 node_unavailable}. Each holds one thread while it is open.
 * @param reconnectBackoffMax Longest wait between two attempts to reopen the membership connection
 *     (lease renewals and destroy wake-ups) after it failed.
 */
@ConfigurationProperties("envkeeper.cluster")
@Validated
public record ClusterProperties(
    @DefaultValue("2s") @NotNull Duration heartbeatInterval,
    @DefaultValue("10s") @NotNull Duration leaseDuration,
    @DefaultValue("least-ready") @NotNull Placement placement,
    @DefaultValue("2s") @NotNull Duration forwardConnectTimeout,
    @DefaultValue("75s") @NotNull Duration forwardTimeout,
    @DefaultValue("45s") @NotNull Duration streamIdleTimeout,
    @DefaultValue("512") @Min(1) int maxForwardedStreams,
    @DefaultValue("5s") @NotNull Duration reconnectBackoffMax) {

  /** Where a managed environment without a {@code node} goes. */
  public enum Placement {
    /** The live node with the fewest READY environments. */
    LEAST_READY,
    /** The node that received the request. */
    RECEIVING_NODE
  }

  @AssertTrue(message = "envkeeper.cluster.lease-duration must be at least three heartbeat intervals, both positive")
  boolean isLeaseLongEnough() {
    return heartbeatInterval == null
        || leaseDuration == null
        || (heartbeatInterval.toMillis() > 0 && leaseDuration.compareTo(heartbeatInterval.multipliedBy(3)) >= 0);
  }

  @AssertTrue(message = "envkeeper.cluster forward and stream timeouts must be positive")
  boolean isTimeoutsPositive() {
    return forwardConnectTimeout == null || forwardTimeout == null || streamIdleTimeout == null
        || reconnectBackoffMax == null
        || (!forwardConnectTimeout.isNegative() && !forwardConnectTimeout.isZero()
            && !forwardTimeout.isNegative() && !forwardTimeout.isZero()
            && !streamIdleTimeout.isNegative() && !streamIdleTimeout.isZero()
            && !reconnectBackoffMax.isNegative() && !reconnectBackoffMax.isZero());
  }
}
