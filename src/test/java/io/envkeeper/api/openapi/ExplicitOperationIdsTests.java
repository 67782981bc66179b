package io.envkeeper.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.Operation;
import org.junit.jupiter.api.Test;
import org.springframework.web.method.HandlerMethod;

class ExplicitOperationIdsTests {

  private final ExplicitOperationIds customizer = new ExplicitOperationIds();

  @Test
  void declaredOperationIdIsKept() throws NoSuchMethodException {
    Operation operation = new Operation().operationId("listThings");

    customizer.customize(operation, handler("documented"));

    assertThat(operation.getOperationId()).isEqualTo("listThings");
  }

  @Test
  void operationIdSpringdocMadeUpFromTheMethodNameIsDropped() throws NoSuchMethodException {
    Operation operation = new Operation().operationId("undocumented_1");

    customizer.customize(operation, handler("undocumented"));

    assertThat(operation.getOperationId()).isNull();
  }

  @Test
  void blankDeclaredOperationIdIsDropped() throws NoSuchMethodException {
    Operation operation = new Operation().operationId("blank");

    customizer.customize(operation, handler("blank"));

    assertThat(operation.getOperationId()).isNull();
  }

  private static HandlerMethod handler(String name) throws NoSuchMethodException {
    return new HandlerMethod(new Handlers(), Handlers.class.getDeclaredMethod(name));
  }

  static class Handlers {

    @io.swagger.v3.oas.annotations.Operation(operationId = "listThings", summary = "List things")
    void documented() {}

    void undocumented() {}

    @io.swagger.v3.oas.annotations.Operation(summary = "No id")
    void blank() {}
  }
}
