package io.envkeeper.cluster;

/**
 * The node a call needs is not live (its lease ran out), cannot be reached, or this node holds no
 * lease itself: {@code 503 node_unavailable} with {@code Retry-After}.
 */
public class NodeUnavailableException extends RuntimeException {

  private final long retryAfterSeconds;

  public NodeUnavailableException(String message, long retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
