package io.envkeeper.api.openapi;

import io.swagger.v3.oas.models.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Keeps only the operation ids a handler declares with {@code @Operation(operationId = ...)}.
 * springdoc would otherwise name an operation after its Java method ({@code list_1} beside
 * {@code list}), and a generated client would carry those names, changing with any refactoring.
 * An operation without one is left without an id, which the build's {@code redocly lint} refuses
 * ({@code operation-operationId}), so a new endpoint cannot ship undocumented.
 */
final class ExplicitOperationIds implements GlobalOperationCustomizer {

  private static final Logger log = LoggerFactory.getLogger(ExplicitOperationIds.class);

  @Override
  public Operation customize(Operation operation, HandlerMethod handler) {
    io.swagger.v3.oas.annotations.Operation declared =
        AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), io.swagger.v3.oas.annotations.Operation.class);
    if (declared == null || declared.operationId().isBlank()) {
      log.warn("{} has no @Operation(operationId = ...): the API description leaves its operationId out",
          handler.getShortLogMessage());
      operation.setOperationId(null);
    }
    return operation;
  }
}
