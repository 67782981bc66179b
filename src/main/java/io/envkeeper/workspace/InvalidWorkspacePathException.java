package io.envkeeper.workspace;

/** A requested workspace path breaks the path policy. {@link #code()} says which rule. */
public class InvalidWorkspacePathException extends RuntimeException {

  /** Which rule of the path policy was broken. */
  public enum Reason {
    /** Not an absolute, well-formed path (NUL byte, {@code ..}, relative, too long). */
    INVALID_PATH,
    /** Nothing exists at the path. */
    PATH_NOT_FOUND,
    /** The path exists but is not a directory. */
    PATH_NOT_DIRECTORY,
    /** The real path lies outside every configured root. */
    PATH_NOT_ALLOWED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public InvalidWorkspacePathException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return reason.code();
  }
}
