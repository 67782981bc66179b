package io.envkeeper.api;

import io.envkeeper.cluster.DirectForwarding;
import io.envkeeper.cluster.NodeAdmission;
import io.envkeeper.cluster.OwnerRouting;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.security.CallerContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wires the API's cross-cutting pieces into Spring MVC: the interceptors, in the order they run,
 * the guard and the activity interceptor made here from their collaborators.
 */
@Configuration(proxyBeanMethods = false)
record ApiWebConfiguration(
    NodeAdmission nodeAdmission, DirectForwarding directForwarding, EnvironmentQueries queries, CallerContext callers,
    OwnerRouting ownerRouting, ActivityTracker activity) implements WebMvcConfigurer {

  /** The guard first: activity is recorded only for READY environments the caller may see. */
  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    // First: a process without its node's lease (a second one started with a live node's id) serves nothing.
    registry.addInterceptor(nodeAdmission).addPathPatterns("/api/**");
    // Before the guard: a plain read of an environment whose (live) owner is another node goes
    // there at once; the owner answers 404/410 as the guard would.
    registry.addInterceptor(directForwarding).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    registry.addInterceptor(new EnvironmentGoneGuard(queries, callers)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    // After the guard: 404/410 are answered here first; only a READY environment is routed to its owner.
    registry.addInterceptor(ownerRouting).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    // Last: activity counts on the owner. A call forwarded from here stops at the routing (it is
    // counted when it arrives at the owner); one served here passed the guard and the routing.
    registry.addInterceptor(new ActivityInterceptor(activity)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
  }
}
