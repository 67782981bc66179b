package io.envkeeper.environment;

/**
 * Another environment that is not DESTROYED already uses this workspace path, or one inside it or
 * containing it. The message never names that environment or its tenant.
 */
public class PathInUseException extends RuntimeException {

  public PathInUseException(String path) {
    super("path " + path + " is, contains or lies inside the workspace of another environment");
  }
}
