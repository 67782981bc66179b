package io.envkeeper.api;

import java.util.List;

/** Answer to {@code GET /admin/nodes}: every node that is not retired, by id. */
public record NodeListResponse(List<NodeResponse> items) {

  public NodeListResponse {
    items = List.copyOf(items);
  }
}
