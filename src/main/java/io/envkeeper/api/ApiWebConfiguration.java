package io.envkeeper.api;

import io.envkeeper.environment.EnvironmentQueries;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wires the API's cross-cutting pieces into Spring MVC. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

  private final EnvironmentQueries queries;

  ApiWebConfiguration(EnvironmentQueries queries) {
    this.queries = queries;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new EnvironmentGoneGuard(queries)).addPathPatterns(EnvironmentGoneGuard.PATTERN);
  }
}
