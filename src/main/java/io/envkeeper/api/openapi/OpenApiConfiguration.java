package io.envkeeper.api.openapi;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/**
 * The document's own parts (title, version, description, the bearer scheme, a relative server) and
 * the customizers that complete each operation. Everything else comes from the controllers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  /** Name of the security scheme every {@code /api/v1} operation requires. */
  static final String BEARER = "bearer";

  private static final String DESCRIPTION = "openapi/description.md";

  @Bean
  OpenAPI envkeeperOpenApi(ObjectProvider<BuildProperties> build) {
    // Enums become named schemas (EnvironmentStatus, WorkerStatus, ...) instead of copies inlined
    // in every property: clients generate one type per enum. swagger-core only offers this as a
    // global switch; the service has one document, so global is what is meant.
    ModelResolver.enumsAsRef = true;
    BuildProperties properties = build.getIfAvailable();
    String version = properties != null ? properties.getVersion() : "development";
    return new OpenAPI()
        .info(new Info()
            .title("Envkeeper API")
            .version(version)
            .description(read(DESCRIPTION))
            // The repository grants no license; say so in SPDX terms rather than leave the field out.
            .license(new License().name("Proprietary").identifier("LicenseRef-Proprietary")))
        // Relative: the API is where the description was fetched from, whatever host, port or
        // proxy prefix the client used (a generated client takes its base URL as a parameter).
        .servers(List.of(new Server().url("/").description("This service")))
        .components(new Components()
            .addSecuritySchemes(BEARER, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .bearerFormat("ek_<43 URL-safe base64 characters>")
                .description("A token issued by `POST /api/v1/admin/tokens` or configured as"
                    + " `envkeeper.security.tokens[i].hash`. Each token acts for one tenant, as `client` or `admin`.")));
  }

  @Bean
  ExplicitOperationIds explicitOperationIds() {
    return new ExplicitOperationIds();
  }

  @Bean
  DeclaredProblems declaredProblems() {
    return new DeclaredProblems();
  }

  @Bean
  ApiOperationDefaults apiOperationDefaults() {
    return new ApiOperationDefaults();
  }

  private static String read(String resource) {
    try {
      return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
