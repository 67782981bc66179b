package io.envkeeper.environment;

/** The one-way lifecycle of an environment: {@code READY -> DESTROYING -> DESTROYED}. */
public enum EnvironmentStatus {
  /** Workspace exists and its runtime may run. */
  READY,
  /** Destroy accepted and committed; teardown in progress or being retried. */
  DESTROYING,
  /** Tombstone: nothing may ever be started for it again. */
  DESTROYED;

  /** The only transition table: everything else is refused. */
  public boolean canMoveTo(EnvironmentStatus next) {
    return switch (this) {
      case READY -> next == DESTROYING;
      case DESTROYING -> next == DESTROYED;
      case DESTROYED -> false;
    };
  }
}
