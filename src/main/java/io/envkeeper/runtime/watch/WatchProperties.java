package io.envkeeper.runtime.watch;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.envkeeper.deadline.Backoff;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Workspace watchers.
 *
 * @param ignore Globs of directories that are neither watched nor reported. A glob matches a
 *     directory's path relative to the workspace, or any trailing part of it ({@code node_modules}
 *     matches {@code a/b/node_modules}). Keeps big generated trees from exhausting
 *     {@code max_user_watches}.
 * @param maxDirectories Most directories watched per environment; deeper ones are not reported and
 *     {@code /workspace} says so in {@code error}.
 * @param maxDepth Deepest level watched below the workspace directory (its entries are level 1).
 *     Changes in deeper directories are not reported and {@code /workspace} says so in
 *     {@code error}. Keeps a pathological tree (a chain thousands of levels deep) cheap to follow.
 * @param threads Threads that read events and register directories for all workspaces. Each
 *     workspace uses at most one at a time, in order, and yields it after a short slice, so one
 *     workspace's directory storm leaves the others' events their own turns.
 * @param startWait Longest the start of a watcher (an environment create, a restart) waits for the
 *     workspace's tree to be registered; a bigger tree keeps being registered in the background.
 * @param closeWait Longest a close (a destroy) waits for the workspace's watches to be released. A
 *     walk in progress stops at its next directory; the close never waits for it to finish.
 * @param retryAttempts Attempts to (re)register a missing workspace directory before the watcher
 *     gives up as FAILED.
 * @param retryBase Wait before the first retry; doubled for each further one.
 * @param retryMax Longest wait between two retries.
 * @param coalesceWindow Changes with the same path and kind within this window are reported once.
 *     {@code 0} disables coalescing. Never delays a change.
 * @param bufferSize Changes kept per environment; older ones are dropped (readers see OVERFLOW).
 * @param heartbeat Interval of the comment line that keeps idle event streams open.
 * @param streamTimeout An event stream is closed after this long; clients reconnect with
 *     {@code Last-Event-ID} and miss nothing still in the buffer.
 * @param pollInterval How often a workspace is scanned when the kernel's limit of inotify watches
 *     is reached for it (watcher state POLLING): its changes show up at most this late.
 * @param manifestInterval How often each workspace's manifest (relative path, type, size and mtime
 *     of every entry) is written to the data directory, when something changed since the last
 *     write; an orderly stop writes it too. After a crash, changes made within this interval
 *     before it are reported by the start-up diff, but a client that saw some of them gets an
 *     OVERFLOW first.
 * @param sequenceBlock Change seqs reserved in the database at a time (one write per block, not
 *     one per change). After a crash the sequence goes on above the whole block.
 */
@ConfigurationProperties("envkeeper.watch")
@Validated
public record WatchProperties(
    @NotNull
        @DefaultValue({".git/objects", "node_modules", "target", "build", "dist", ".gradle", "__pycache__"})
        List<String> ignore,
    @DefaultValue("4096") @Min(1) int maxDirectories,
    @DefaultValue("64") @Min(1) int maxDepth,
    @DefaultValue("2") @Min(1) int threads,
    @NotNull @DefaultValue("10s") Duration startWait,
    @NotNull @DefaultValue("5s") Duration closeWait,
    @DefaultValue("8") @Min(1) int retryAttempts,
    @NotNull @DefaultValue("250ms") Duration retryBase,
    @NotNull @DefaultValue("10s") Duration retryMax,
    @NotNull @DefaultValue("20ms") Duration coalesceWindow,
    @DefaultValue("1000") @Min(1) int bufferSize,
    @NotNull @DefaultValue("15s") Duration heartbeat,
    @NotNull @DefaultValue("30m") Duration streamTimeout,
    @NotNull @DefaultValue("2s") Duration pollInterval,
    @NotNull @DefaultValue("10s") Duration manifestInterval,
    @DefaultValue("1000") @Min(2) int sequenceBlock) {

  public WatchProperties {
    ignore = List.copyOf(ignore);
    positive(pollInterval, "poll-interval");
    positive(manifestInterval, "manifest-interval");
  }

  private static void positive(Duration value, String name) {
    if (value != null && (value.isZero() || value.isNegative())) {
      throw new IllegalArgumentException("envkeeper.watch." + name + " must be positive, got " + value);
    }
  }

  /** The wait before retry number {@code attempt} (1-based): exponential, capped. */
  Duration retryDelay(int attempt) {
    return new Backoff(retryBase, retryMax).delay(attempt);
  }
}
