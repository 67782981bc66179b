package io.envkeeper.environment;

/** Another environment that is not DESTROYED already uses this workspace path. */
public class PathInUseException extends RuntimeException {

  public PathInUseException(String path) {
    super("path " + path + " is already used by another environment");
  }
}
