package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentQueries;
import io.envkeeper.security.CallerContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wires the API's cross-cutting pieces into Spring MVC. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

  private final EnvironmentQueries queries;
  private final CallerContext callers;

  ApiWebConfiguration(EnvironmentQueries queries, CallerContext callers) {
    this.queries = queries;
    this.callers = callers;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new EnvironmentGoneGuard(queries, callers)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
  }
}
