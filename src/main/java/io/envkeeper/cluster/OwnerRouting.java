package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.environment.Environment;
import io.envkeeper.environment.EnvironmentNotFoundException;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.environment.EnvironmentStatus;
import io.envkeeper.security.CallerContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Runs each call on the node that owns its environment. Registered right after the 404/410 guard,
 * which has already answered from the database on this node (tenant check included); what gets here
 * under {@code /environments/{id}/...} is a READY environment the caller may see:
 *
 * <ul>
 *   <li>owned here: served here, while this node holds its lease ({@code 503 node_unavailable}
 *       otherwise: it must not act as owner);
 *   <li>owned by a live node: forwarded to it (streams as streams), unless the request was itself
 *       forwarded (then {@code 503}: never a loop);
 *   <li>owned by a node that is not live: {@code 503 node_unavailable} with {@code Retry-After}.
 * </ul>
 *
 * {@code DELETE /environments/{id}} is accepted on whichever node receives it (the row goes
 * DESTROYING and the owner is woken through the database); with {@code ?wait=} it is forwarded to a
 * live owner, which is where the teardown it waits for runs.
 */
@Component
public class OwnerRouting implements HandlerInterceptor {

  /** Request attribute under which the guard leaves the READY environment it read. */
  public static final String READY_ENVIRONMENT = OwnerRouting.class.getName() + ".readyEnvironment";

  private final EnvironmentQueries queries;
  private final CallerContext callers;
  private final NodeProperties node;
  private final NodeLease lease;
  private final ClusterView view;
  private final Forwarder forwarder;
  private final ClusterProperties properties;
  private final KnownOwners owners;

  OwnerRouting(EnvironmentQueries queries, CallerContext callers, NodeProperties node, NodeLease lease,
      ClusterView view, Forwarder forwarder, ClusterProperties properties, KnownOwners owners) {
    this.queries = queries;
    this.callers = callers;
    this.node = node;
    this.lease = lease;
    this.view = view;
    this.forwarder = forwarder;
    this.properties = properties;
    this.owners = owners;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      // The dispatch that completes a stream served here: it was routed when it began (and a lease
      // lost since must not turn the stream's clean end into an error).
      return true;
    }
    Optional<EnvironmentRequestPath> target = EnvironmentRequestPath.of(request);
    if (target.isEmpty()) {
      return true;
    }
    if (!target.get().subResource()) {
      return !"DELETE".equals(request.getMethod()) || routeDestroy(target.get().id(), request, response);
    }
    Environment environment = (Environment) request.getAttribute(READY_ENVIRONMENT);
    if (environment == null) {
      environment = queries.getReady(UUID.fromString(target.get().id()), callers.current());
    }
    if (environment.getNode().equals(node.id())) {
      requireLease();
      return true;
    }
    owners.learn(environment.getId(), environment.getNode());
    ClusterView.Member owner = liveOwner(environment, request);
    if (isStream(request, target.get().path())) {
      forwarder.forwardStream(request, response, owner, callers.current());
    } else {
      forwarder.forward(request, response, owner, request.getInputStream().readAllBytes());
    }
    return false;
  }

  /** Only a destroy that waits for its teardown goes to the owner; any node can accept one. */
  private boolean routeDestroy(String id, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String wait = request.getParameter("wait");
    if (wait == null || wait.isBlank() || request.getHeader(HopHeaders.FORWARDED_BY) != null) {
      return true;
    }
    UUID environmentId;
    try {
      environmentId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return true; // the controller answers 400
    }
    Environment environment;
    try {
      environment = queries.get(environmentId, callers.current());
    } catch (EnvironmentNotFoundException e) {
      return true; // answered by the controller as before (a malformed wait is 400 before the 404)
    }
    if (environment.getNode().equals(node.id()) || environment.getStatus() == EnvironmentStatus.DESTROYED) {
      return true;
    }
    ClusterView.Member owner = view.member(environment.getNode()).filter(ClusterView.Member::isLive).orElse(null);
    if (owner == null) {
      return true; // committed here, finished by the owner when it is back
    }
    try {
      forwarder.forward(request, response, owner, new byte[0]);
      return false;
    } catch (OwnerUnreachableException e) {
      return true; // nothing reached the owner: accept it here and wake it through the database
    }
  }

  private void requireLease() {
    if (!lease.isValid()) {
      throw new NodeUnavailableException(
          "this node (" + node.id() + ") holds no lease and does not act as owner until it holds one again",
          retryAfterSeconds());
    }
  }

  private ClusterView.Member liveOwner(Environment environment, HttpServletRequest request) {
    if (request.getHeader(HopHeaders.FORWARDED_BY) != null) {
      throw new NodeUnavailableException("a request forwarded by node " + request.getHeader(HopHeaders.FORWARDED_BY)
          + " reached node " + node.id() + ", which does not own environment " + environment.getId()
          + " (owner: " + environment.getNode() + "); it is not forwarded again", retryAfterSeconds());
    }
    return view.member(environment.getNode())
        .filter(ClusterView.Member::isLive)
        .orElseThrow(() -> new NodeUnavailableException("node " + environment.getNode() + ", which owns environment "
            + environment.getId() + ", is not live", retryAfterSeconds()));
  }

  /** Whether the call is an event stream (forwarded as a stream, kept open). */
  static boolean isStream(HttpServletRequest request, String path) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return path.endsWith("/events")
        || (accept != null && accept.toLowerCase(Locale.ROOT).contains(MediaType.TEXT_EVENT_STREAM_VALUE));
  }

  private long retryAfterSeconds() {
    return Math.max(1, (properties.leaseDuration().toMillis() + 999) / 1000);
  }
}
