package io.envkeeper.cluster;

/** A create named a {@code node} that is unknown, retired or not live: {@code 409 node_unavailable}. */
public class PlacementRefusedException extends RuntimeException {

  public PlacementRefusedException(String message) {
    super(message);
  }
}
