package io.envkeeper.api.openapi;

import io.envkeeper.api.ProblemCode;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one {@code Problem} schema (RFC 9457 plus {@code code}) every error response of the API uses,
 * and {@code ProblemCode}, the enum of its codes, generated from {@link ProblemCode} so the
 * description lists exactly the codes the service can send.
 */
final class ProblemSchemas {

  static final String PROBLEM = "Problem";
  static final String PROBLEM_CODE = "ProblemCode";
  static final String FIELD_ERROR = "ProblemFieldError";
  static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
  private static final String PROBLEM_CODE_REF = "#/components/schemas/" + PROBLEM_CODE;

  private ProblemSchemas() {}

  static void register(Components components) {
    components.addSchemas(PROBLEM_CODE, problemCode());
    components.addSchemas(FIELD_ERROR, fieldError());
    components.addSchemas(PROBLEM, problem());
  }

  private static Schema<?> problemCode() {
    List<ProblemCode> codes = Arrays.asList(ProblemCode.values());
    StringSchema schema = new StringSchema();
    schema.setEnum(codes.stream().map(ProblemCode::code).toList());
    schema.setDescription("Stable, machine-readable reason of a problem (snake_case). New codes may be added;"
        + " a client should treat an unknown one by its HTTP status.\n\n"
        + codes.stream().map(code -> "- `" + code.code() + "`: " + code.description()).collect(Collectors.joining("\n")));
    // Read by generators that document enum members (openapi-generator, among others).
    schema.addExtension("x-enum-descriptions", codes.stream().map(ProblemCode::description).toList());
    schema.setExample(ProblemCode.ENVIRONMENT_NOT_FOUND.code());
    return schema;
  }

  private static Schema<?> fieldError() {
    ObjectSchema fieldError = new ObjectSchema();
    fieldError.setDescription("One field that failed validation.");
    fieldError.addProperty("field", new StringSchema().description("The field's path in the body").example("name"));
    fieldError.addProperty("message", new StringSchema().description("What is wrong with it")
        .example("must be 1-100 characters of [A-Za-z0-9._-]"));
    fieldError.setRequired(List.of("field", "message"));
    return fieldError;
  }

  private static Schema<?> problem() {
    ObjectSchema problem = new ObjectSchema();
    problem.setDescription("An error, as RFC 9457 `application/problem+json` with a stable `code`. Every error of"
        + " the API has this shape: never a stack trace, never an HTML page.");
    problem.addProperty("type", new StringSchema().format("uri")
        .description("URN naming the code: `urn:envkeeper:problem:<code>`")
        .example("urn:envkeeper:problem:environment_not_found"));
    problem.addProperty("title", new StringSchema().description("The HTTP status' reason phrase").example("Not Found"));
    problem.addProperty("status", new IntegerSchema().description("The HTTP status").example(404));
    problem.addProperty("detail", new StringSchema().description("What went wrong, for people")
        .example("environment 2b1c0e8e-4f4e-4a8e-9d53-0f4d1c6a7b21 not found"));
    problem.addProperty("instance", new StringSchema().format("uri-reference")
        .description("The request path, when the service sets it").example("/api/v1/environments/2b1c0e8e-4f4e-4a8e-9d53-0f4d1c6a7b21"));
    problem.addProperty("code", new Schema<>().$ref(PROBLEM_CODE_REF));
    problem.addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/" + FIELD_ERROR))
        .description("With `validation_failed`: every field that failed, and why"));
    problem.setRequired(List.of("type", "title", "status", "detail", "code"));
    return problem;
  }
}
