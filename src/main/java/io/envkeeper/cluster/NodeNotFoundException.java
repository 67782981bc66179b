package io.envkeeper.cluster;

/** No node with this id ever held a lease: {@code 404 node_not_found}. */
public class NodeNotFoundException extends RuntimeException {

  public NodeNotFoundException(String id) {
    super("no node '" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'");
  }
}
