package io.envkeeper.api;

import io.envkeeper.cluster.NodeAdmission;
import io.envkeeper.cluster.OwnerRouting;
import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.expiry.ActivityTracker;
import io.envkeeper.security.CallerContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wires the API's cross-cutting pieces into Spring MVC. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

  private final EnvironmentQueries queries;
  private final CallerContext callers;
  private final OwnerRouting ownerRouting;
  private final NodeAdmission nodeAdmission;
  private final ActivityTracker activity;

  ApiWebConfiguration(EnvironmentQueries queries, CallerContext callers, OwnerRouting ownerRouting,
      NodeAdmission nodeAdmission, ActivityTracker activity) {
    this.queries = queries;
    this.callers = callers;
    this.ownerRouting = ownerRouting;
    this.nodeAdmission = nodeAdmission;
    this.activity = activity;
  }

  /** The guard first: activity is recorded only for READY environments the caller may see. */
  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    // First: a process without its node's lease (a second one started with a live node's id) serves nothing.
    registry.addInterceptor(nodeAdmission).addPathPatterns("/api/**");
    registry.addInterceptor(new EnvironmentGoneGuard(queries, callers)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    // After the guard: 404/410 are answered here first; only a READY environment is routed to its owner.
    registry.addInterceptor(ownerRouting).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    // Last: activity counts on the owner. A call forwarded from here stops at the routing (it is
    // counted when it arrives at the owner); one served here passed the guard and the routing.
    registry.addInterceptor(new ActivityInterceptor(activity)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
  }
}
