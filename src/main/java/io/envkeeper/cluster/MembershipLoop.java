package io.envkeeper.cluster;

import io.envkeeper.config.FaultInjection;
import io.envkeeper.config.NodeProperties;
import io.envkeeper.deadline.Backoff;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The node's one thread on its own database connection: every heartbeat it renews (or acquires)
 * the lease and refreshes the view of the other nodes; in between it waits for destroy wake-ups
 * (LISTEN). A failed connection is reopened with exponential backoff; meanwhile the lease simply
 * runs out, and the first pass after a reconnect catches any wake-up that was missed.
 *
 * <p>Starts acquiring once the web server has its port (the default advertise URL needs it) and
 * stops after the workers have been stopped on shutdown, so their ends still commit under the lease;
 * then it ends the lease at once, so the other nodes see this one down without waiting for it to
 * run out.
 */
@Component
class MembershipLoop extends PhasedLifecycle implements ApplicationListener<WebServerInitializedEvent> {

  private static final Logger log = LoggerFactory.getLogger(MembershipLoop.class);
  /** Below the workers' shutdown ({@code Integer.MAX_VALUE - 4096}): stops after it. */
  private static final int PHASE = Integer.MAX_VALUE - 8192;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  private final NodeProperties node;
  private final ClusterProperties properties;
  private final NodeLease lease;
  private final ClusterView view;
  private final MembershipConnections connections;
  private final DestroyWakeups wakeups;
  private final EnvironmentChanges changes;
  private final DestroySeen destroySeen;
  private final ApplicationEventPublisher events;
  private final FaultInjection faults;
  private final Counter renewalFailures;
  private final Object signal = new Object();

  private volatile Thread thread;
  private volatile String advertiseUrl;
  /** Only the loop thread uses it, except during stop (after the thread has ended). */
  private Connection connection;
  private long nextBeatNanos;
  private NodeLease.State lastLogged;

  MembershipLoop(
      NodeProperties node,
      ClusterProperties properties,
      NodeLease lease,
      ClusterView view,
      MembershipConnections connections,
      DestroyWakeups wakeups,
      EnvironmentChanges changes,
      DestroySeen destroySeen,
      ApplicationEventPublisher events,
      MeterRegistry meters,
      FaultInjection faults) {
    super(PHASE);
    this.node = node;
    this.properties = properties;
    this.lease = lease;
    this.view = view;
    this.connections = connections;
    this.wakeups = wakeups;
    this.changes = changes;
    this.destroySeen = destroySeen;
    this.events = events;
    this.faults = faults;
    this.renewalFailures = Counter.builder("envkeeper.cluster.lease.failures")
        .description("Heartbeats that could not renew or acquire this node's lease")
        .register(meters);
  }

  @Override
  public synchronized void start() {
    lease.restart();
    running = true;
    if (advertiseUrl != null) {
      begin(); // a restart (a paused application resumed): the port is known from the first start
    }
  }

  /** The server port is known now: the first acquisition runs here, before the service is ready. */
  @Override
  public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
    if ("management".equals(event.getApplicationContext().getServerNamespace()) || !running || thread != null) {
      return;
    }
    advertiseUrl = node.advertiseUrlOr(event.getWebServer().getPort());
    begin();
  }

  /**
   * Acquires the lease before the start-up reconcile pass and readiness. A process restarted after
   * a crash finds its previous lease still live for up to one lease duration, so it waits that long
   * (and no longer: a second process with a live node's id then goes on, not ready, serving nothing,
   * and keeps trying in the background).
   */
  private void begin() {
    long deadline = System.nanoTime() + properties.leaseDuration().plus(properties.heartbeatInterval().multipliedBy(2)).toNanos();
    while (running) {
      try {
        if (connection == null) {
          connect();
        }
        beat();
      } catch (SQLException | RuntimeException e) {
        log.warn("node {}: lease attempt at start-up failed ({})", node.id(), e.toString());
        closeConnection();
      }
      NodeLease.State state = lease.state();
      if (lease.isValid() || state == NodeLease.State.SUPERSEDED || System.nanoTime() - deadline >= 0) {
        break;
      }
      pause(properties.heartbeatInterval());
    }
    Thread loop = new Thread(this::run, "cluster-membership");
    loop.setDaemon(true);
    thread = loop;
    loop.start();
  }

  private void run() {
    Backoff reconnect = new Backoff(FIRST_BACKOFF, properties.reconnectBackoffMax());
    int failures = 0;
    while (running) {
      try {
        if (connection == null) {
          connect();
          // Wake-ups sent while this node was not listening are lost: a pass finds their rows.
          events.publishEvent(new LeaseAcquiredEvent(node.id(), lease.epoch()));
        }
        failures = 0;
        if (System.nanoTime() - nextBeatNanos >= 0) {
          beat();
        }
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextBeatNanos - System.nanoTime()));
        PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications((int) Math.min(waitMillis, Integer.MAX_VALUE));
        if (notifications != null) {
          for (PGNotification notification : notifications) {
            if (LeaseOwnership.ENVIRONMENT_CHANNEL.equals(notification.getName())) {
              changes.received(notification.getParameter());
            } else if (LeaseOwnership.DESTROY_CHANNEL.equals(notification.getName())) {
              if (wakeups.received(notification.getParameter())) {
                acknowledge(notification.getParameter());
              }
            } else if (DestroySeen.CHANNEL.equals(notification.getName())) {
              destroySeen.received(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          break;
        }
        renewalFailures.increment();
        Duration backoff = reconnect.delay(++failures);
        log.warn("node {}: membership connection failed ({}); reconnecting in {}", node.id(), e.toString(), backoff);
        closeConnection();
        pause(backoff);
      }
    }
  }

  private void connect() throws SQLException {
    Duration lease = properties.leaseDuration();
    connection = connections.open(properties.heartbeatInterval(), lease.dividedBy(2), lease);
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + LeaseOwnership.DESTROY_CHANNEL);
      statement.execute("LISTEN " + LeaseOwnership.ENVIRONMENT_CHANNEL);
      statement.execute("LISTEN " + DestroySeen.CHANNEL);
    }
    changes.listening(true);
  }

  /** Renews the lease (or acquires it), then refreshes the view of all nodes. */
  private void beat() throws SQLException {
    nextBeatNanos = System.nanoTime() + properties.heartbeatInterval().toNanos();
    if (faults.heartbeatStalled()) {
      return; // a fault-injection run's heartbeat "hangs" (never in production)
    }
    NodeLease.State state = lease.state();
    if (state != NodeLease.State.SUPERSEDED && state != NodeLease.State.RELEASED) {
      long sent = System.nanoTime();
      Instant renewed = lease.epoch() == 0 ? null : NodeTable.renew(connection, node.id(), lease.epoch(), properties.leaseDuration());
      if (renewed != null) {
        lease.held(lease.epoch(), sent, renewed);
      } else {
        lease.lost();
        acquire(sent);
      }
    }
    long sent = System.nanoTime();
    view.update(NodeTable.all(connection), sent);
    logTransition();
  }

  private void acquire(long sent) throws SQLException {
    NodeTable.Acquisition outcome =
        NodeTable.acquire(connection, node.id(), advertiseUrl, properties.leaseDuration(), lease.epoch());
    if (outcome instanceof NodeTable.Acquisition.Acquired acquired) {
      lease.held(acquired.epoch(), sent, acquired.expiresAt());
      log.info("node {}: lease acquired, epoch {}, advertised as {}", node.id(), acquired.epoch(), advertiseUrl);
      events.publishEvent(new LeaseAcquiredEvent(node.id(), acquired.epoch()));
    } else if (outcome instanceof NodeTable.Acquisition.HeldElsewhere elsewhere) {
      renewalFailures.increment();
      if (lastLogged != NodeLease.State.ACQUIRING) {
        log.warn("node {}: another live process holds this node id (epoch {}, lease until {}); this one waits and"
            + " serves nothing until that lease runs out", node.id(), elsewhere.epoch(), elsewhere.expiresAt());
        lastLogged = NodeLease.State.ACQUIRING;
      }
    } else if (outcome instanceof NodeTable.Acquisition.Superseded superseded) {
      lease.superseded();
      log.error("node {}: another process took this node id over (epoch {}) after this one lost its lease; this"
          + " process no longer acts as owner and should be stopped", node.id(), superseded.epoch());
    }
  }

  private void logTransition() {
    NodeLease.State state = lease.state();
    if (state == lastLogged) {
      return;
    }
    if (state == NodeLease.State.LOST) {
      log.warn("node {}: lease lost (epoch {}); not acting as owner until it is held again", node.id(), lease.epoch());
    }
    lastLogged = state;
  }

  private void pause(Duration duration) {
    synchronized (signal) {
      if (running) {
        try {
          signal.wait(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    synchronized (signal) {
      signal.notifyAll();
    }
    Thread loop = thread;
    thread = null;
    if (loop != null) {
      try {
        // A wait for notifications ends within one heartbeat; a database call within its timeouts.
        loop.join(properties.heartbeatInterval().plusSeconds(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (loop.isAlive()) {
        log.warn("node {}: membership thread still busy at shutdown; the lease will run out by itself", node.id());
        closeConnection(); // unblocks it
      }
    }
    release();
    closeConnection();
  }

  private void release() {
    long epoch = lease.epoch();
    boolean valid = lease.isValid();
    lease.released();
    if (connection == null || !valid) {
      return;
    }
    try {
      NodeTable.release(connection, node.id(), epoch);
      log.info("node {}: lease released (epoch {})", node.id(), epoch);
    } catch (SQLException e) {
      log.warn("node {}: could not release the lease ({}); it runs out by itself", node.id(), e.toString());
    }
  }

  /** Tells the node that accepted a destroy of one of ours that the row has left this node's cache. */
  private void acknowledge(String payload) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      statement.setString(1, DestroySeen.CHANNEL);
      statement.setString(2, payload);
      statement.execute();
    }
  }

  private void closeConnection() {
    changes.listening(false);
    Connection current = connection;
    connection = null;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }
}
