package io.envkeeper.api.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Completes every {@code /api/v1} operation once springdoc has read the controllers: the bearer
 * security requirement, the {@link SharedProblems} of its path, and its problem responses rendered
 * against the shared {@code Problem} schema; then the {@link SchemaConventions}.
 */
final class ApiOperationDefaults implements OpenApiCustomizer {

  @Override
  public void customise(OpenAPI api) {
    ProblemSchemas.register(api.getComponents());
    api.getPaths().forEach((path, item) -> {
      if (path.startsWith(SharedProblems.API_PREFIX)) {
        item.readOperations().forEach(operation -> complete(path, operation));
      }
    });
    SchemaConventions.apply(api);
  }

  private static void complete(String path, Operation operation) {
    operation.setSecurity(List.of(new SecurityRequirement().addList(OpenApiConfiguration.BEARER)));
    SharedProblems.of(path, operation).forEach((status, codes) -> ProblemResponseWriter.addCodes(operation, status, codes));
    ProblemResponseWriter.render(operation);
  }
}
