package io.envkeeper.runtime.process;

import java.nio.file.Path;
import java.util.Locale;

/** A worker was not started because its environment's workspace cannot host it right now. */
public class WorkspaceUnusableException extends RuntimeException {

  /** Why; {@link #code()} is the problem's code. */
  public enum Reason {
    /** Nothing exists at the workspace path any more. */
    WORKSPACE_MISSING,
    /** The path no longer leads to the workspace directory: replaced by a symlink or a file, or
     * resolving elsewhere through a directory above it that was swapped. */
    WORKSPACE_MOVED;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  WorkspaceUnusableException(Reason reason, Path workspace) {
    super(reason == Reason.WORKSPACE_MISSING
        ? "the workspace " + workspace + " no longer exists; no worker can start in it"
        : "the workspace " + workspace + " no longer leads to the environment's directory (a symlink or"
            + " another file took its place); no worker is started elsewhere");
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return reason.code();
  }
}
