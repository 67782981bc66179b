package io.envkeeper.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * {@code envkeeper_cluster_nodes{state}} (live, down, retired) as this node last saw them, {@code
 * envkeeper_cluster_lease_valid} (1 while this node holds its lease) and {@code
 * envkeeper_cluster_forwarded_streams} (event streams being forwarded from here).
 */
@Component
record ClusterMetrics(ClusterView view, NodeLease lease, Forwarder forwarder) implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "live", () -> view.all().stream().filter(ClusterView.Member::isLive).count());
    gauge(registry, "down", () -> view.all().stream().filter(m -> !m.retired() && !m.isLive()).count());
    gauge(registry, "retired", () -> view.all().stream().filter(ClusterView.Member::retired).count());
    Gauge.builder("envkeeper.cluster.lease.valid", lease, l -> l.isValid() ? 1 : 0)
        .description("1 while this node holds its lease and acts as owner")
        .register(registry);
    Gauge.builder("envkeeper.cluster.forwarded.streams", forwarder, Forwarder::openStreams)
        .description("Event streams this node is forwarding from their owners")
        .register(registry);
  }

  private static void gauge(MeterRegistry registry, String state, java.util.function.LongSupplier count) {
    Gauge.builder("envkeeper.cluster.nodes", count, c -> c.getAsLong())
        .description("Nodes by state, as this node last read them")
        .tag("state", state)
        .register(registry);
  }
}
