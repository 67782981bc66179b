package io.envkeeper.cluster;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/nodes}: the cluster's nodes, and retiring one that is gone for good. Admin
 * tokens only (the security configuration guards {@code /api/v1/admin/**}).
 */
@RestController
@RequestMapping(path = "/api/v1/admin/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
class NodeAdminController {

  /** {@code {"items": [...]}}. */
  record NodeListResponse(List<NodeAdministration.NodeSummary> items) {}

  private final NodeAdministration administration;

  NodeAdminController(NodeAdministration administration) {
    this.administration = administration;
  }

  @GetMapping
  NodeListResponse list() {
    return new NodeListResponse(administration.list());
  }

  /** {@code 409 node_live} while its lease is live; otherwise its environments go DESTROYED. */
  @PostMapping("/{id}/retire")
  NodeAdministration.NodeSummary retire(@PathVariable String id) {
    return administration.retire(id);
  }
}
