package io.envkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md is generated from the configuration metadata; these tests keep the committed
 * file what the code says. Each run writes the freshly generated reference to
 * {@code target/configuration.md}; {@code -Denvkeeper.docs.regenerate=true} writes it over the
 * committed one instead of comparing.
 */
class ConfigurationReferenceTests {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Path GENERATED = Path.of("target/configuration.md");

  @Test
  void committedReferenceIsWhatTheMetadataSays() throws IOException {
    String generated = ConfigurationReference.render(ConfigurationReference.projectMetadata(), SOURCES);
    Files.writeString(GENERATED, generated);
    if (Boolean.getBoolean("envkeeper.docs.regenerate")) {
      Files.writeString(ConfigurationReference.COMMITTED, generated);
      return;
    }
    String committed = Files.exists(ConfigurationReference.COMMITTED) ? Files.readString(ConfigurationReference.COMMITTED) : "";
    if (!committed.equals(generated)) {
      fail("%s is out of date with the configuration properties (%s). Regenerate it with%n  %s%n"
              + "(or copy %s, just written by this test, over it) and commit it.%n%s",
          ConfigurationReference.COMMITTED, ConfigurationReference.projectMetadata().getFileName(),
          ConfigurationReference.REGENERATE, GENERATED, firstDifference(committed, generated));
    }
  }

  @Test
  void everyEnvkeeperPropertyAndEveryEntryOfItsListsAndMapsIsDocumented() throws IOException {
    Path metadata = ConfigurationReference.projectMetadata();
    String generated = ConfigurationReference.render(metadata, SOURCES);

    JsonNode properties = JsonMapper.builder().build().readTree(Files.readString(metadata)).path("properties");
    List<String> names = new ArrayList<>();
    properties.forEach(property -> names.add(property.path("name").asString()));
    assertThat(names).filteredOn(name -> name.startsWith("envkeeper.")).isNotEmpty()
        .allSatisfy(name -> assertThat(generated).contains("| `" + name + "` |"));
    assertThat(names).filteredOn(name -> !name.startsWith("envkeeper."))
        .allSatisfy(name -> assertThat(generated).doesNotContain("`" + name + "`"));

    assertThat(generated)
        .contains("| `envkeeper.reaper.tick` | `Duration` | `1s` | Safety sweep interval")
        .contains("| `envkeeper.workers.inherit-env` | `List<String>` | `PATH`, `HOME`, `LANG`, `LC_ALL`, `TZ` |")
        .contains("| `envkeeper.workers.profiles.<name>.stop-grace` | `Duration` | `5s` | Wait after SIGTERM before SIGKILL. |")
        .contains("| `envkeeper.workers.profiles.<name>.env` | `Map<String, String>` | empty |")
        .contains("| `envkeeper.workers.profiles.<name>.shutdown-message` | `String` | — |")
        .contains("| `envkeeper.security.tokens[i].hash` | `String` | — | `sha256:<64 hex digits>`");
  }

  @Test
  void aPropertyWithoutJavadocFailsTheGeneration(@TempDir Path directory) throws IOException {
    Path metadata = directory.resolve("spring-configuration-metadata.json");
    Files.writeString(metadata, """
        {"groups": [{"name": "envkeeper.thing", "type": "x.Thing", "sourceType": "x.Thing"}],
         "properties": [
           {"name": "envkeeper.thing.described", "type": "java.time.Duration", "sourceType": "x.Thing",
            "description": "Has one.", "defaultValue": "1s"},
           {"name": "envkeeper.thing.undocumented", "type": "java.time.Duration", "sourceType": "x.Thing"}]}
        """);

    assertThatThrownBy(() -> ConfigurationReference.render(metadata, SOURCES))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("envkeeper.thing.undocumented has no description");
  }

  private static String firstDifference(String committed, String generated) {
    List<String> left = committed.lines().toList();
    List<String> right = generated.lines().toList();
    for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
      String was = i < left.size() ? left.get(i) : "(end of file)";
      String is = i < right.size() ? right.get(i) : "(end of file)";
      if (!was.equals(is)) {
        return "First difference, line %d:%n  committed: %s%n  generated: %s".formatted(i + 1, was, is);
      }
    }
    return "The files differ only in line endings or a trailing newline.";
  }
}
