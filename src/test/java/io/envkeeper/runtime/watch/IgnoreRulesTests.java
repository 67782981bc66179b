package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IgnoreRulesTests {

  private final IgnoreRules rules = new IgnoreRules(List.of(".git/objects", "node_modules", "*.tmp"));

  @ParameterizedTest
  @CsvSource({
    "node_modules, true",
    "a/b/node_modules, true",
    "a/node_modules/pkg/index.js, true",
    ".git/objects, true",
    "sub/.git/objects/ab, true",
    ".git/HEAD, false",
    "src/main/App.java, false",
    "notes.tmp, true",
    "my_node_modules, false"
  })
  void matchesThePathOrAnyTrailingPartOfItOrOfAnAncestor(String path, boolean ignored) {
    assertThat(rules.ignores(Path.of(path))).isEqualTo(ignored);
  }

  @org.junit.jupiter.api.Test
  void theRootIsNeverIgnored() {
    assertThat(rules.ignores(Path.of(""))).isFalse();
  }
}
