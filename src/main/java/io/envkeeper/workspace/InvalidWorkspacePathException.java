package io.envkeeper.workspace;

import io.envkeeper.refusal.RefusalReason;
import io.envkeeper.refusal.RefusedException;

/** A requested workspace path breaks the path policy. {@link #code()} says which rule. */
public class InvalidWorkspacePathException extends RefusedException {

  /** Which rule of the path policy was broken. */
  public enum Reason implements RefusalReason {
    /** Not an absolute, well-formed path (NUL byte, {@code ..}, relative, too long). */
    INVALID_PATH,
    /** Nothing exists at the path. */
    PATH_NOT_FOUND,
    /** The path exists but is not a directory. */
    PATH_NOT_DIRECTORY,
    /** The real path lies outside every configured root. */
    PATH_NOT_ALLOWED
  }

  public InvalidWorkspacePathException(Reason reason, String message) {
    super(reason, message);
  }
}
