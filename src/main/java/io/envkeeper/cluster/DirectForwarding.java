package io.envkeeper.cluster;

import io.envkeeper.config.NodeProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Forwards a plain read ({@code GET}/{@code HEAD}, not a stream) under {@code /environments/{id}/}
 * to the environment's owner straight away when this node already knows that owner and it is live,
 * before this node's own 404/410 guard reads the row. The owner authenticates the same caller and
 * answers 404 (another tenant's, unknown), 410 (not READY) or the call itself, exactly as the guard
 * and the routing here would, so reading the row here too only doubled the database work of a
 * forwarded call. Everything else takes the usual path (guard, then {@link OwnerRouting}), which is
 * also where owners are learned; so does a read whose owner cannot be reached (nothing was sent: the
 * guard then answers 410 for a destroyed environment, as without this).
 */
@Component
public class DirectForwarding implements HandlerInterceptor {

  private final KnownOwners owners;
  private final NodeProperties node;
  private final ClusterView view;
  private final Forwarder forwarder;

  DirectForwarding(KnownOwners owners, NodeProperties node, ClusterView view, Forwarder forwarder) {
    this.owners = owners;
    this.node = node;
    this.view = view;
    this.forwarder = forwarder;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getDispatcherType() == DispatcherType.ASYNC
        || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
        || request.getHeader(HopHeaders.FORWARDED_BY) != null) {
      return true;
    }
    Optional<EnvironmentRequestPath> target = EnvironmentRequestPath.of(request);
    if (target.isEmpty() || !target.get().subResource() || OwnerRouting.isStream(request, target.get().path())) {
      return true;
    }
    Optional<ClusterView.Member> owner = parse(target.get().id())
        .flatMap(owners::of)
        .filter(id -> !id.equals(node.id()))
        .flatMap(view::member)
        .filter(ClusterView.Member::isLive);
    if (owner.isEmpty()) {
      return true;
    }
    try {
      forwarder.forward(request, response, owner.get(), new byte[0]);
      return false;
    } catch (OwnerUnreachableException e) {
      return true; // nothing reached the owner and nothing was written: the usual path answers
    }
  }

  private static Optional<UUID> parse(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the guard answers 400
    }
  }
}
