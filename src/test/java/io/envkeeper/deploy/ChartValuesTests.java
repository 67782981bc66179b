package io.envkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** values.yaml documents every value, and values.schema.json knows every value and nothing more. */
class ChartValuesTests {

  private static final Path VALUES = Helm.CHART.resolve("values.yaml");
  private static final Path SCHEMA = Helm.CHART.resolve("values.schema.json");
  private static final Pattern KEY_LINE = Pattern.compile("^( *)(- )?([A-Za-z][\\w.-]*|\"[^\"]+\"):( |$)");

  @Test
  void everyValueHasACommentAboveIt() throws IOException {
    List<String> uncommented = new ArrayList<>();
    // Indentation of enclosing list items: keys inside a list entry are data, not chart values.
    Deque<Integer> listItems = new ArrayDeque<>();
    String previous = "";
    for (String line : Files.readAllLines(VALUES)) {
      Matcher key = KEY_LINE.matcher(line);
      if (key.find()) {
        int indent = key.group(1).length();
        while (!listItems.isEmpty() && listItems.peek() >= indent) {
          listItems.pop();
        }
        if (listItems.isEmpty() && key.group(2) == null && !previous.strip().startsWith("#")) {
          uncommented.add(line.strip());
        }
        if (key.group(2) != null) {
          listItems.push(indent);
        }
      } else if (line.strip().startsWith("- ")) {
        listItems.push(line.indexOf('-'));
      }
      if (!line.isBlank()) {
        previous = line;
      }
    }
    assertThat(uncommented).as("values without a comment line above them").isEmpty();
  }

  @Test
  void schemaDescribesExactlyTheValues() throws IOException {
    Map<String, Object> values = Node.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(VALUES)), "values");
    JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(SCHEMA));
    List<String> problems = new ArrayList<>();
    compare("", values, schema, problems);
    assertThat(problems).isEmpty();
  }

  @Test
  void schemaRefusesUnknownValuesAtEveryLevel() throws IOException {
    JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(SCHEMA));
    List<String> open = new ArrayList<>();
    collectOpenObjects("", schema, open);
    assertThat(open).as("objects with fixed properties that still accept unknown keys").isEmpty();
  }

  private static void compare(String path, Map<String, Object> values, JsonNode schema, List<String> problems) {
    JsonNode properties = schema.path("properties");
    for (Map.Entry<String, Object> value : values.entrySet()) {
      String name = path + value.getKey();
      JsonNode property = properties.path(value.getKey());
      if (property.isMissingNode()) {
        problems.add(name + " is in values.yaml but not in the schema");
      } else if (value.getValue() instanceof Map && property.has("properties")) {
        compare(name + ".", Node.map(value.getValue(), name), property, problems);
      }
    }
    properties.propertyNames().forEach(key -> {
      if (!values.containsKey(key)) {
        problems.add(path + key + " is in the schema but has no default in values.yaml");
      }
    });
  }

  private static void collectOpenObjects(String path, JsonNode schema, List<String> open) {
    if (schema.has("properties")) {
      if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
        open.add(path.isEmpty() ? "(root)" : path);
      }
      schema.path("properties").properties().forEach(entry -> collectOpenObjects(path + "/" + entry.getKey(), entry.getValue(), open));
    }
    if (schema.path("additionalProperties").isObject()) {
      collectOpenObjects(path + "/*", schema.path("additionalProperties"), open);
    }
    if (schema.path("items").isObject()) {
      collectOpenObjects(path + "[]", schema.path("items"), open);
    }
  }
}
