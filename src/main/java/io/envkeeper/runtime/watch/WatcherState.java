package io.envkeeper.runtime.watch;

/** The life of one environment's watcher. */
public enum WatcherState {
  /** Every directory of the tree (minus ignored ones, up to the cap) is registered. */
  WATCHING,
  /**
   * The kernel's limit of inotify watches is reached for this workspace: it is scanned every
   * {@code poll-interval} instead, and changes are still reported; {@code error} says why.
   */
  POLLING,
  /** The workspace directory is missing; registration is retried with exponential backoff. */
  RETRYING,
  /** Retries are exhausted or registration failed for good; {@code error} says why. */
  FAILED,
  /** Torn down with its environment; never reopened. */
  CLOSED
}
