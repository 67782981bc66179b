package io.envkeeper.api;

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
  private final ActivityTracker activity;

  ApiWebConfiguration(EnvironmentQueries queries, CallerContext callers, ActivityTracker activity) {
    this.queries = queries;
    this.callers = callers;
    this.activity = activity;
  }

  /** The guard first: activity is recorded only for READY environments the caller may see. */
  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new EnvironmentGoneGuard(queries, callers)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
    registry.addInterceptor(new ActivityInterceptor(activity)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
  }
}
