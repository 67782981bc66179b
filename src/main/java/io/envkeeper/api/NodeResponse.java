package io.envkeeper.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.envkeeper.cluster.NodeAdministration.NodeSummary;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A node as the admin API shows it. */
public record NodeResponse(
    @Schema(description = "The node's id (`envkeeper.node.id`)", example = "envkeeper-1") String id,
    @Schema(description = "Base URL the other nodes forward its calls to", example = "http://envkeeper-1:8080")
        String advertiseUrl,
    @Schema(description = "Whether its lease has not run out") boolean live,
    @Schema(description = "When its lease runs out (or ran out), by the database's clock") Instant leaseExpiresAt,
    @Schema(description = "When the process holding its lease acquired it") Instant startedAt,
    @Schema(description = "How many of its environments are in each status that lives on a node")
        EnvironmentCounts environments) {

  /** Counts by status; named as the statuses are, as the contract writes them. */
  public record EnvironmentCounts(
      @JsonProperty("READY") long ready,
      @JsonProperty("DESTROYING") long destroying) {}

  static NodeResponse of(NodeSummary node) {
    return new NodeResponse(node.id(), node.advertiseUrl(), node.live(), node.leaseExpiresAt(), node.startedAt(),
        new EnvironmentCounts(node.ready(), node.destroying()));
  }
}
