package io.envkeeper.security;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * Who may call what. Stateless bearer tokens only: no sessions, no cookies, so no CSRF either (a
 * browser never attaches a bearer token on its own).
 *
 * <ul>
 *   <li>{@code /api/**}: a valid token; {@code /api/v1/admin/**} an admin token.
 *   <li>Actuator: health, liveness and readiness are open (Kubernetes probes; details only for
 *       admins); everything else needs an admin token, or arrives on the separate management port.
 *   <li>OpenAPI document and Swagger UI: open. Anything else: refused.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  static final String ADMIN = ClientRole.ADMIN.name();
  static final String CLIENT = ClientRole.CLIENT.name();

  /** Requests on the separate management port (when there is one): trusted as admin. */
  @Bean
  @Order(1)
  SecurityFilterChain managementPortChain(HttpSecurity http, Environment environment) throws Exception {
    stateless(http)
        .securityMatcher(new ManagementPortRequestMatcher(environment))
        .addFilterBefore(new ManagementPortFilter(), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain apiChain(
      HttpSecurity http,
      TokenAuthenticator authenticator,
      RequestRateLimiter rateLimiter,
      ProblemResponder problems,
      WebEndpointProperties endpoints)
      throws Exception {
    String health = endpoints.getBasePath() + "/health";
    stateless(http)
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .addFilterBefore(new BearerTokenFilter(authenticator, problems), AnonymousAuthenticationFilter.class)
        .addFilterBefore(new RateLimitFilter(rateLimiter, problems), AuthorizationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    // The dispatch that completes an event stream (ASYNC) belongs to a request
                    // authorized when it began; refusing it cut the stream before its final chunk.
                    // The container's error page (ERROR) answers a status only (a TRACE refused
                    // by Tomcat, say): with a token it used to turn into a 401.
                    // INCLUDE is how Tomcat renders that error page for a response already
                    // committed (an event stream whose client went away).
                    .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR, DispatcherType.INCLUDE)
                    .permitAll()
                    .requestMatchers(HttpMethod.GET, health, health + "/liveness", health + "/readiness")
                    .permitAll()
                    .requestMatchers(EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, HealthEndpoint.class))
                    .permitAll()
                    .requestMatchers(EndpointRequest.toAnyEndpoint())
                    .hasRole(ADMIN)
                    .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                    .permitAll()
                    .requestMatchers("/api/v1/admin/**")
                    .hasRole(ADMIN)
                    .requestMatchers("/api/**")
                    .hasRole(CLIENT)
                    // Everything else (an unexposed actuator endpoint, a route that does not exist):
                    // 401 without a token; with one, MVC answers 404 problem+json.
                    .anyRequest()
                    .authenticated());
    return http.build();
  }

  /**
   * URLs the firewall refuses (encoded slashes, {@code ..}, control characters) get a 400 problem.
   * Methods are not the firewall's business here: a method the API does not know reaches Spring
   * MVC, which answers {@code 405} with the route's {@code Allow}, not a 400 about the URL.
   */
  @Bean
  WebSecurityCustomizer rejectedRequestsAsProblems(ProblemResponder problems) {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setUnsafeAllowAnyHttpMethod(true);
    return web -> web.httpFirewall(firewall).requestRejectedHandler(problems);
  }

  /**
   * The security headers are written before the request goes on, not on the way back: an event
   * stream's sender starts writing as soon as the controller returns, and a header added then from
   * the request thread raced it on the container's headers, which are not thread-safe (an NPE that
   * cut the stream under load; spring-security#9175).
   */
  private static ObjectPostProcessor<HeaderWriterFilter> headersWrittenBeforeTheRequest() {
    return new ObjectPostProcessor<>() {
      @Override
      public <F extends HeaderWriterFilter> F postProcess(F filter) {
        filter.setShouldWriteHeadersEagerly(true);
        return filter;
      }
    };
  }

  private static HttpSecurity stateless(HttpSecurity http) throws Exception {
    return http.headers(headers -> headers.withObjectPostProcessor(headersWrittenBeforeTheRequest()))
        .csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
  }
}
