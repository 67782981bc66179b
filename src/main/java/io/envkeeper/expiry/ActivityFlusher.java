package io.envkeeper.expiry;

import io.envkeeper.lifecycle.DaemonThreads;
import io.envkeeper.lifecycle.PhasedLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Array;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Persists activity in batches: every {@code activity-flush-interval} one statement writes the
 * {@code lastActivityAt} of every environment with newer activity, then the node's running stamp.
 * So an environment's row is written at most once per interval, however many requests it gets,
 * and never by a request. The write leaves {@code version} and {@code updatedAt} alone: activity
 * is not a change a client's {@code If-Match} should trip over. A failed flush (database away)
 * keeps the values for the next one. A last flush runs at shutdown, after the web server drained.
 */
@Component
class ActivityFlusher extends PhasedLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ActivityFlusher.class);
  /** Stops after the web server (requests are activity) and starts before it. */
  private static final int PHASE = Integer.MAX_VALUE - 4096;
  /** Bound of the last flush at shutdown (the connection timeout is 5 s). */
  private static final Duration FINAL_FLUSH_TIMEOUT = Duration.ofSeconds(8);

  private static final String FLUSH =
      """
      UPDATE environment e SET last_activity_at = a.at
      FROM unnest(?::uuid[], ?::timestamptz[]) AS a(id, at)
      WHERE e.id = a.id AND e.status = 'READY' AND (e.last_activity_at IS NULL OR e.last_activity_at < a.at)
      """;

  private final ActivityTracker activity;
  private final NodeClock nodeClock;
  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final Duration interval;
  private final Timer flushDuration;
  private ScheduledExecutorService executor;
  private boolean failing;

  ActivityFlusher(
      ActivityTracker activity, NodeClock nodeClock, JdbcTemplate jdbc, Clock clock, ExpiryProperties properties,
      MeterRegistry meters) {
    super(PHASE);
    this.activity = activity;
    this.nodeClock = nodeClock;
    this.jdbc = jdbc;
    this.clock = clock;
    this.interval = properties.activityFlushInterval();
    this.flushDuration = Timer.builder("envkeeper.activity.flush.duration")
        .description("Duration of the batched writes of lastActivityAt")
        .register(meters);
  }

  /** Observes what keeps environments alive and writes what the database does not hold yet. */
  synchronized void flush() {
    long started = System.nanoTime();
    try {
      activity.observe();
      Map<UUID, Instant> pending = activity.unpersisted();
      if (!pending.isEmpty()) {
        write(pending);
        activity.persisted(pending);
      }
      nodeClock.stamp(clock.instant());
      if (failing) {
        log.info("activity flush works again");
        failing = false;
      }
      flushDuration.record(Duration.ofNanos(System.nanoTime() - started));
    } catch (DataAccessException | TransactionException e) {
      if (!failing) {
        log.warn("activity flush failed, kept for the next one: {}", e.toString());
        failing = true;
      }
    }
  }

  private void write(Map<UUID, Instant> pending) {
    List<UUID> ids = new ArrayList<>(pending.size());
    List<String> instants = new ArrayList<>(pending.size());
    pending.forEach((id, at) -> {
      ids.add(id);
      instants.add(at.toString());
    });
    jdbc.update(connection -> {
      var statement = connection.prepareStatement(FLUSH);
      Array idArray = connection.createArrayOf("uuid", ids.toArray());
      Array atArray = connection.createArrayOf("timestamptz", instants.toArray());
      statement.setArray(1, idArray);
      statement.setArray(2, atArray);
      return statement;
    });
  }

  @Override
  public synchronized void start() {
    executor = DaemonThreads.repeating("activity-flush", interval, this::flushQuietly);
    running = true;
  }

  /** The last flush, bounded: a database that does not answer does not hold up the shutdown. */
  @Override
  public void stop() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      running = false;
      stopping = executor;
    }
    if (stopping == null) {
      return;
    }
    try {
      Future<?> last = stopping.submit(this::flushQuietly);
      last.get(FINAL_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      log.warn("last activity flush did not complete: {}", e.toString());
    } finally {
      stopping.shutdownNow();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.error("activity flush failed unexpectedly", e);
    }
  }
}
