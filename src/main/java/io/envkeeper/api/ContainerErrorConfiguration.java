package io.envkeeper.api;

import org.apache.catalina.Host;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Errors the servlet container answers itself are problem+json too: Tomcat's error report valve is
 * replaced by {@link ProblemErrorReportValve}. Runs after Boot's own Tomcat customizer, which adds a
 * plain (HTML) error report valve that this one takes out again.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorConfiguration {

  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory -> factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof Host host) {
        replaceErrorReportValve(host);
      }
    });
  }

  private static void replaceErrorReportValve(Host host) {
    Pipeline pipeline = host.getPipeline();
    for (Valve valve : pipeline.getValves()) {
      if (valve instanceof ErrorReportValve) {
        pipeline.removeValve(valve);
      }
    }
    pipeline.addValve(new ProblemErrorReportValve());
    if (host instanceof StandardHost standard) {
      // Tomcat adds a default HTML report valve at start unless one of this class is present.
      standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
    }
  }
}
