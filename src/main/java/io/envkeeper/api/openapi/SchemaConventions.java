package io.envkeeper.api.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the Java types say but springdoc does not write down:
 *
 * <ul>
 *   <li>Every property of a response object is {@code required}: the service always writes it
 *       ({@code null} included, where the record component is {@code @Nullable}), so a generated
 *       client need not treat each one as optional. Schemas reachable from a request body keep
 *       their own {@code required} (from {@code @NotNull}), as does any schema that lists one.
 *   <li>Patterns are anchored: Bean Validation's {@code @Pattern} matches the whole value, a JSON
 *       Schema {@code pattern} any part of it.
 * </ul>
 */
final class SchemaConventions {

  private static final String SCHEMA_REF = "#/components/schemas/";

  private SchemaConventions() {}

  static void apply(OpenAPI api) {
    Map<String, Schema> schemas = api.getComponents().getSchemas();
    if (schemas == null) {
      return;
    }
    Set<String> requestSchemas = reachableFromRequestBodies(api, schemas);
    schemas.forEach((name, schema) -> {
      anchorPatterns(schema);
      if (!requestSchemas.contains(name) && schema.getProperties() != null && schema.getRequired() == null) {
        schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
      }
    });
  }

  private static Set<String> reachableFromRequestBodies(OpenAPI api, Map<String, Schema> schemas) {
    Deque<Schema<?>> pending = new ArrayDeque<>();
    if (api.getPaths() != null) {
      api.getPaths().values().forEach(item -> item.readOperations().stream()
          .map(Operation::getRequestBody)
          .filter(body -> body != null && body.getContent() != null)
          .flatMap(body -> body.getContent().values().stream())
          .map(MediaType::getSchema)
          .forEach(schema -> push(pending, schema)));
    }
    Set<String> reached = new HashSet<>();
    while (!pending.isEmpty()) {
      Schema<?> schema = pending.pop();
      String ref = schema.get$ref();
      if (ref != null && ref.startsWith(SCHEMA_REF)) {
        String name = ref.substring(SCHEMA_REF.length());
        if (reached.add(name) && schemas.get(name) != null) {
          pending.push(schemas.get(name));
        }
      }
      children(schema).forEach(child -> push(pending, child));
    }
    return reached;
  }

  private static void anchorPatterns(Schema<?> schema) {
    String pattern = schema.getPattern();
    if (pattern != null && !pattern.startsWith("^")) {
      schema.setPattern("^(?:" + pattern + ")$");
    }
    children(schema).forEach(SchemaConventions::anchorPatterns);
  }

  private static List<Schema<?>> children(Schema<?> schema) {
    List<Schema<?>> children = new ArrayList<>();
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(children::add);
    }
    if (schema.getItems() != null) {
      children.add(schema.getItems());
    }
    if (schema.getAdditionalProperties() instanceof Schema<?> values) {
      children.add(values);
    }
    for (List<Schema> composed : List.of(nonNull(schema.getOneOf()), nonNull(schema.getAllOf()), nonNull(schema.getAnyOf()))) {
      composed.forEach(children::add);
    }
    return children;
  }

  private static List<Schema> nonNull(List<Schema> schemas) {
    return schemas == null ? List.of() : schemas;
  }

  private static void push(Deque<Schema<?>> pending, Schema<?> schema) {
    if (schema != null) {
      pending.push(schema);
    }
  }
}
