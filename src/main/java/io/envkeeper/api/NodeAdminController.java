package io.envkeeper.api;

import io.envkeeper.cluster.NodeAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/nodes} (admin role only: the security configuration guards
 * {@code /api/v1/admin/**}): the cluster's nodes, and retiring one that is gone for good.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: nodes", description = "The cluster's nodes (several nodes on one PostgreSQL, each environment"
    + " living on one of them), and retiring a node that is gone for good (admin role only).")
record NodeAdminController(NodeAdministration administration) {

  @Operation(operationId = "listNodes", summary = "List nodes",
      description = "Every node that is not retired, by id, with its lease and how many of its environments are READY"
          + " and DESTROYING. A node is `live` while its lease has not run out.")
  @ApiResponse(responseCode = "200", description = "The nodes", useReturnTypeSchema = true)
  @GetMapping
  NodeListResponse list() {
    return new NodeListResponse(administration.list().stream().map(NodeResponse::of).toList());
  }

  /** {@code 409 node_live} while its lease is live; otherwise its environments go DESTROYED. */
  @Operation(operationId = "retireNode", summary = "Retire a node that is gone for good",
      description = "For a node whose volume is gone for good: in one transaction every environment it owned goes to"
          + " `DESTROYED` (`lastError` says the node was retired), its unfinished workers to `LOST`, and nothing is"
          + " placed on it again. Refused while the node is live. Idempotent.")
  @ApiResponse(responseCode = "200", description = "The retired node", useReturnTypeSchema = true)
  @ProblemResponse(status = 404, codes = ProblemCode.NODE_NOT_FOUND)
  @ProblemResponse(status = 409, codes = ProblemCode.NODE_LIVE)
  @PostMapping("/{id}/retire")
  NodeResponse retire(@Parameter(description = "Node id (`envkeeper.node.id`)", example = "envkeeper-1")
      @PathVariable String id) {
    return NodeResponse.of(administration.retire(id));
  }
}
