package io.envkeeper.runtime.process;

import io.envkeeper.refusal.RefusalReason;
import io.envkeeper.refusal.RefusedException;
import java.nio.file.Path;

/** A worker was not started because its environment's workspace cannot host it right now. */
public class WorkspaceUnusableException extends RefusedException {

  /** Why; {@link #code()} is the problem's code. */
  public enum Reason implements RefusalReason {
    /** Nothing exists at the workspace path any more. */
    WORKSPACE_MISSING,
    /** The path no longer leads to the workspace directory: replaced by a symlink or a file, or
     * resolving elsewhere through a directory above it that was swapped. */
    WORKSPACE_MOVED
  }

  WorkspaceUnusableException(Reason reason, Path workspace) {
    super(reason, reason == Reason.WORKSPACE_MISSING
        ? "the workspace " + workspace + " no longer exists; no worker can start in it"
        : "the workspace " + workspace + " no longer leads to the environment's directory (a symlink or"
            + " another file took its place); no worker is started elsewhere");
  }
}
