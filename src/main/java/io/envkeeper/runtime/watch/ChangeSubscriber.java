package io.envkeeper.runtime.watch;

/**
 * Someone following a change log live (an SSE stream). Called on the thread that records the change
 * (one of the watch threads all workspaces share): implementations must return at once and do
 * their own sending elsewhere.
 */
public interface ChangeSubscriber {

  /** New changes were appended; read them with {@link ChangeLog#since(long)}. */
  void changesAvailable();

  /** The log is closed for good: its environment is being destroyed. */
  void closed();

  /**
   * This run's log has ended but the environment lives on (the service is stopping, or its watcher
   * is rebuilt): a follower should end so that its client reconnects with its last seq.
   */
  void sealed();
}
