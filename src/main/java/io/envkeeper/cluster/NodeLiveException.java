package io.envkeeper.cluster;

/** A node cannot be retired while its lease is live: {@code 409 node_live}. */
public class NodeLiveException extends RuntimeException {

  public NodeLiveException(String id) {
    super("node " + id + " is live: only a node whose lease has run out can be retired");
  }
}
