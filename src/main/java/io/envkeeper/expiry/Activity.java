package io.envkeeper.expiry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** The activity of one environment in this process's memory. Every access holds its monitor. */
final class Activity {

  private final Instant createdAt;
  /** Newest activity known, or {@code null} while none is. */
  private Instant last;
  /** Where the idle clock counts from: {@link #last}, moved on by a restart's downtime. */
  private Instant idleSince;
  private boolean seeded;
  /** The newest value the database holds. */
  private Instant persisted;
  private final Map<String, Integer> holds = new TreeMap<>();
  private final Set<UUID> followedWorkers = new HashSet<>();

  Activity(Instant createdAt) {
    this.createdAt = createdAt;
  }

  Instant createdAt() {
    return createdAt;
  }

  synchronized void touch(Instant now) {
    last = latest(last, now);
    idleSince = latest(idleSince, now);
  }

  synchronized boolean isSeeded() {
    return seeded;
  }

  /** Merges in what the database held when this process first looked (once). */
  synchronized void seed(Instant lastPersisted, Instant idleClockStart) {
    if (seeded) {
      return;
    }
    seeded = true;
    last = latest(last, lastPersisted);
    idleSince = latest(idleSince, idleClockStart);
    persisted = latest(persisted, lastPersisted);
  }

  synchronized void hold(String holder, Instant now) {
    holds.merge(holder, 1, Integer::sum);
    touch(now);
  }

  synchronized void release(String holder, Instant now) {
    holds.computeIfPresent(holder, (name, count) -> count > 1 ? count - 1 : null);
    touch(now);
  }

  synchronized boolean isHeld() {
    return !holds.isEmpty();
  }

  synchronized List<String> holders() {
    return new ArrayList<>(holds.keySet());
  }

  /** Whether the worker is newly followed (its end is then to be recorded as activity). */
  synchronized boolean follow(UUID workerId) {
    return followedWorkers.add(workerId);
  }

  synchronized void unfollow(UUID workerId) {
    followedWorkers.remove(workerId);
  }

  /** The snapshot, given what keeps it alive now and its workspace's last file change. */
  synchronized ActivitySnapshot snapshot(List<String> keptAliveBy, Instant lastFileChange) {
    Instant lastActivity = latest(last, lastFileChange);
    Instant idle = keptAliveBy.isEmpty() ? latest(idleSince, lastFileChange) : null;
    return new ActivitySnapshot(lastActivity, idle, keptAliveBy);
  }

  /** The value to write to the database, or {@code null} when it holds the newest already. */
  synchronized Instant unpersisted(Instant lastFileChange) {
    Instant newest = latest(last, lastFileChange);
    return newest != null && (persisted == null || newest.isAfter(persisted)) ? newest : null;
  }

  synchronized void persisted(Instant value) {
    persisted = latest(persisted, value);
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
