package io.envkeeper.docs;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes docs/configuration.md from the Spring configuration metadata the build derives from the
 * properties records' Javadoc ({@code META-INF/spring-configuration-metadata.json}), so the
 * reference users read is the one their IDE shows and cannot drift from the code.
 *
 * <p>The metadata stops at a property whose value is a list or map of records (the tokens, the
 * worker profiles): the processor does not describe what is inside. Those records are expanded
 * here: names and defaults by reflection (record components, {@code @DefaultValue}), descriptions
 * from the record's {@code @param} Javadoc in the source, which is where the processor takes them
 * from for every other property.
 *
 * <p>Run {@link #main} (or {@code ConfigurationReferenceTests} with
 * {@code -Denvkeeper.docs.regenerate=true}) to rewrite the committed file.
 */
public final class ConfigurationReference {

  /** The committed reference, relative to the project directory. */
  public static final Path COMMITTED = Path.of("docs/configuration.md");
  /** The command that regenerates {@link #COMMITTED}; printed when it is out of date. */
  public static final String REGENERATE =
      "./mvnw -o test -Dtest=ConfigurationReferenceTests -Denvkeeper.docs.regenerate=true";

  private static final String PREFIX = "envkeeper";
  private static final Pattern NESTED_TYPE = Pattern.compile("io\\.envkeeper\\.[\\w.]+\\$[\\w$]+");
  private static final Pattern QUALIFIER = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+(?=[A-Z])");
  private static final Pattern JAVADOC_TAG = Pattern.compile("\\{@(?:code|link|linkplain|literal) ([^}]*)}");
  private static final Pattern PARAM = Pattern.compile("^@param\\s+(\\w+)\\s+(.*?)(?=^@\\w+|\\z)", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Map<String, String> BOXED =
      Map.of("boolean", "Boolean", "int", "Integer", "long", "Long", "double", "Double");

  private final JsonNode metadata;
  private final Path sourceRoot;

  private ConfigurationReference(JsonNode metadata, Path sourceRoot) {
    this.metadata = metadata;
    this.sourceRoot = sourceRoot;
  }

  /**
   * The reference as markdown.
   *
   * @param metadataFile a {@code spring-configuration-metadata.json}
   * @param sourceRoot where the sources of nested properties records are ({@code src/main/java})
   * @throws IllegalStateException when a property has no description (no Javadoc)
   */
  public static String render(Path metadataFile, Path sourceRoot) throws IOException {
    JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(metadataFile));
    return new ConfigurationReference(metadata, sourceRoot).render();
  }

  /** The metadata the build wrote for this project's own classes (not a dependency's). */
  public static Path projectMetadata() {
    try {
      Path classes = Path.of(io.envkeeper.EnvkeeperApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.resolve("META-INF/spring-configuration-metadata.json");
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rewrites docs/configuration.md (or the file named by the first argument). */
  public static void main(String[] args) throws IOException {
    Path target = args.length > 0 ? Path.of(args[0]) : COMMITTED;
    Files.writeString(target, render(projectMetadata(), Path.of("src/main/java")));
    System.out.println("wrote " + target.toAbsolutePath());
  }

  private String render() throws IOException {
    Map<String, String> groupBySource = new TreeMap<>();
    for (JsonNode group : metadata.path("groups")) {
      String name = group.path("name").asString();
      if (isOurs(name)) {
        groupBySource.put(group.path("sourceType").asString(), name);
      }
    }
    Map<String, List<JsonNode>> properties = new TreeMap<>();
    for (JsonNode property : metadata.path("properties")) {
      String name = property.path("name").asString();
      if (isOurs(name)) {
        String group = groupBySource.getOrDefault(property.path("sourceType").asString(), PREFIX);
        properties.computeIfAbsent(group, key -> new ArrayList<>()).add(property);
      }
    }
    StringBuilder out = new StringBuilder(preamble());
    for (Map.Entry<String, List<JsonNode>> group : properties.entrySet()) {
      List<JsonNode> rows = new ArrayList<>(group.getValue());
      rows.sort(Comparator.comparing(row -> row.path("name").asString()));
      out.append("\n## `").append(group.getKey()).append("`\n\n");
      table(out, rows.stream().map(this::row).toList());
      for (JsonNode row : rows) {
        nested(out, row);
      }
    }
    return out.toString();
  }

  private static boolean isOurs(String name) {
    return name.equals(PREFIX) || name.startsWith(PREFIX + ".");
  }

  private static String preamble() {
    return """
        # Configuration reference

        <!-- Generated by ConfigurationReference (src/test/java/io/envkeeper/docs) from the configuration
             metadata: do not edit by hand. ConfigurationReferenceTests fails when it is out of date.
             Regenerate with: %s -->

        Every property can be set in `application.yaml`, as `--name=value` on the command line or as an
        environment variable (`envkeeper.data-dir` is `ENVKEEPER_DATA_DIR`). Durations use Spring's
        format (`10s`, `500ms`, `PT10S`), sizes `64KB` or `1MB`. Properties are bound at start-up: a
        value that cannot be bound, or that fails its group's validation, stops the service with a
        message naming the property. Spring Boot's own properties (`spring.*`, `server.*`,
        `management.*`, `logging.*`) are documented by Spring Boot.

        This page is generated from the properties records' Javadoc, through the configuration metadata
        the build writes (which IDEs show too). To change a description, change the Javadoc, then
        regenerate this page:

        ```sh
        %s
        ```

        Lists and maps of settings are expanded below the property that holds them.
        """.formatted(REGENERATE, REGENERATE);
  }

  private List<String> row(JsonNode property) {
    String name = property.path("name").asString();
    return List.of(
        code(name),
        code(simpleType(property.path("type").asString())),
        defaultOf(property.path("defaultValue"), property.path("type").asString()),
        describe(name, property.path("description").asString("")));
  }

  /** A list or map of records: one table of what each entry holds. */
  private void nested(StringBuilder out, JsonNode property) throws IOException {
    String type = property.path("type").asString();
    Matcher nested = NESTED_TYPE.matcher(type);
    if (!nested.find()) {
      return;
    }
    Class<?> record = load(nested.group());
    if (!record.isRecord()) {
      return; // a nested enum (a value, not settings): its values are in the property's description
    }
    String entry = property.path("name").asString() + (type.startsWith("java.util.Map<") ? ".<name>" : "[i]");
    Map<String, String> descriptions = paramDescriptions(record);
    RecordComponent[] components = record.getRecordComponents();
    Constructor<?> canonical = canonicalConstructor(record, components);
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      String name = entry + "." + kebab(components[i].getName());
      DefaultValue defaultValue = canonical.getParameters()[i].getAnnotation(DefaultValue.class);
      rows.add(List.of(
          code(name),
          code(simpleType(components[i].getGenericType().getTypeName())),
          defaultValue == null ? "—" : defaultValue.value().length == 0 ? "empty" : codes(List.of(defaultValue.value())),
          describe(name, descriptions.getOrDefault(components[i].getName(), ""))));
    }
    out.append("\n### `").append(entry).append(".*`\n\n");
    table(out, rows);
  }

  private static Constructor<?> canonicalConstructor(Class<?> record, RecordComponent[] components) {
    try {
      return record.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(record.getName() + " is not a record with a canonical constructor", e);
    }
  }

  private static Class<?> load(String binaryName) {
    try {
      return Class.forName(binaryName, false, ConfigurationReference.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the metadata names " + binaryName + ", which is not on the classpath", e);
    }
  }

  /** The {@code @param} tags of the Javadoc right before the record's declaration in its source file. */
  private Map<String, String> paramDescriptions(Class<?> record) throws IOException {
    Class<?> outer = record;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    Path source = sourceRoot.resolve(outer.getName().replace('.', '/') + ".java");
    String text = Files.readString(source);
    int declaration = text.indexOf("record " + record.getSimpleName() + "(");
    int start = text.lastIndexOf("/**", declaration);
    int end = text.indexOf("*/", start);
    if (declaration < 0 || start < 0 || end > declaration) {
      throw new IllegalStateException("no Javadoc before record " + record.getSimpleName() + " in " + source);
    }
    String javadoc = text.substring(start + 3, end).lines()
        .map(line -> line.replaceFirst("^\\s*\\*\\s?", ""))
        .collect(Collectors.joining("\n"));
    Map<String, String> descriptions = new LinkedHashMap<>();
    Matcher param = PARAM.matcher(javadoc);
    while (param.find()) {
      descriptions.put(param.group(1), param.group(2));
    }
    return descriptions;
  }

  private static String describe(String property, String javadoc) {
    String text = JAVADOC_TAG.matcher(javadoc.strip().replaceAll("\\s+", " ")).replaceAll(tag -> Matcher.quoteReplacement(code(tag.group(1))));
    if (text.isEmpty()) {
      throw new IllegalStateException(property + " has no description: give its record component a Javadoc @param");
    }
    return text.replace("|", "\\|");
  }

  private static String defaultOf(JsonNode value, String type) {
    if (value.isMissingNode() || value.isNull()) {
      return "—";
    }
    List<String> items = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(item -> items.add(item.asString()));
    } else if (type.startsWith("java.util.List<") && value.asString().matches("\\[.*]")) {
      // The processor writes a record's list default as one string, "[a, b]".
      String inside = value.asString().substring(1, value.asString().length() - 1).strip();
      items.addAll(inside.isEmpty() ? List.of() : List.of(inside.split(",\\s*")));
    } else {
      return code(value.asString());
    }
    return items.isEmpty() ? "empty" : codes(items);
  }

  private static String simpleType(String type) {
    String simple = QUALIFIER.matcher(type).replaceAll("").replaceAll(",\\s*", ", ").replaceAll("\\w+\\$", "");
    return BOXED.getOrDefault(simple, simple);
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static String codes(List<String> values) {
    return values.stream().map(ConfigurationReference::code).collect(Collectors.joining(", "));
  }

  private static String code(String value) {
    return "`" + value + "`";
  }

  private static void table(StringBuilder out, List<List<String>> rows) {
    out.append("| property | type | default | meaning |\n|---|---|---|---|\n");
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
  }
}
