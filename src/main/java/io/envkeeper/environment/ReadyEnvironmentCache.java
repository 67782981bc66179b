package io.envkeeper.environment;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * READY rows of this node's environments, kept in memory for status polls ({@code GET
 * /environments/{id}}), so a poll needs no connection and no query. Correct only because every
 * change of a row drops it here before anyone can read the change elsewhere:
 *
 * <ul>
 *   <li>a change committed in this process drops it right after its commit (and at its flush),
 *       before the request that made it answers ({@link ReadyCacheInvalidation});
 *   <li>a change committed anywhere else (another node, a bulk statement) drops it when the
 *       database's notification arrives (a trigger announces every row change, migration V9);
 *       the cluster's membership connection listens and calls {@link #invalidate};
 *   <li>a destroy another node accepts for one of this node's environments is answered only once
 *       this node has dropped the row, or once this node's lease has run out (see
 *       {@link Ownership#awaitDestroySeen});
 *   <li>rows are served only while this node holds its lease, and everything is dropped whenever
 *       the listening connection is (re)opened: notifications sent meanwhile may be lost.
 * </ul>
 *
 * A read that raced a change never stores what it read: every drop moves a generation on, and a
 * row read under an older generation is not kept. Bounded: past {@value #MAX_ENTRIES} entries an
 * arbitrary one makes room.
 */
@Component
public class ReadyEnvironmentCache {

  static final int MAX_ENTRIES = 10_000;

  private final BoundedMap<UUID, Environment> rows = new BoundedMap<>(MAX_ENTRIES);
  private final AtomicLong generation = new AtomicLong();
  /** Whether changes made elsewhere are heard right now; nothing is kept while they are not. */
  private volatile boolean listening;
  private final Ownership ownership;

  ReadyEnvironmentCache(Ownership ownership) {
    this.ownership = ownership;
  }

  /** The kept READY row, while this node holds its lease; never a row of another node. */
  Optional<Environment> find(UUID id) {
    if (!listening || !ownership.actsAsOwner()) {
      return Optional.empty();
    }
    return Optional.ofNullable(rows.get(id));
  }

  /** To take before reading a row that may then be {@link #remember remembered}. */
  long generation() {
    return generation.get();
  }

  /**
   * Keeps the row if it is READY, of this node, and nothing was dropped since {@code readAt} (the
   * {@link #generation()} taken before the row was read). Returns the row either way.
   */
  Environment remember(Environment row, long readAt) {
    if (!listening || row.getStatus() != EnvironmentStatus.READY || !row.getNode().equals(ownership.localNode())) {
      return row;
    }
    rows.put(row.getId(), row);
    if (generation.get() != readAt) {
      // A drop ran since the read began: what was read may be older than that change.
      rows.remove(row.getId(), row);
    }
    return row;
  }

  /** Drops the row: it changed (or may have). */
  public void invalidate(UUID id) {
    generation.incrementAndGet();
    rows.remove(id);
  }

  /**
   * The listening connection is up (LISTEN done) or down: either way every row is dropped (changes
   * made while nobody listened are unknown), and rows are kept again only while it is up.
   */
  public void listening(boolean up) {
    listening = up;
    generation.incrementAndGet();
    rows.clear();
  }
}
