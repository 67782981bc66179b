package io.envkeeper.api.openapi;

import io.envkeeper.api.ProblemResponse;
import io.swagger.v3.oas.models.Operation;
import java.util.Set;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Carries a handler's {@link ProblemResponse}s into its operation, as problem codes by status
 * ({@link ProblemResponseWriter} renders them once the shared ones are added).
 */
final class DeclaredProblems implements GlobalOperationCustomizer {

  @Override
  public Operation customize(Operation operation, HandlerMethod handler) {
    Set<ProblemResponse> declared =
        AnnotatedElementUtils.findMergedRepeatableAnnotations(handler.getMethod(), ProblemResponse.class);
    for (ProblemResponse problem : declared) {
      ProblemResponseWriter.addCodes(operation, problem.status(), Set.of(problem.codes()));
    }
    return operation;
  }
}
