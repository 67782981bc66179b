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

  /** The walker's question: an entry of a directory already known not to be ignored. */
  @ParameterizedTest
  @CsvSource({
    "node_modules, true",
    "a/b/node_modules, true",
    "sub/.git/objects, true",
    "notes.tmp, true",
    "a/b/c, false",
    "my_node_modules, false"
  })
  void anEntryMatchesByTheTrailingPartsThatEndWithIt(String path, boolean ignored) {
    assertThat(rules.ignoresEntry(Path.of(path))).isEqualTo(ignored);
  }

  @ParameterizedTest
  @CsvSource({
    "generated/x/y/out, true",
    "a/generated/deep/down/out, true",
    "a/out, false"
  })
  void aGlobWithDoubleStarsMatchesAcrossAnyNumberOfNames(String path, boolean ignored) {
    IgnoreRules crossing = new IgnoreRules(List.of("generated/**/out"));
    assertThat(crossing.ignoresEntry(Path.of(path))).isEqualTo(ignored);
    assertThat(crossing.ignores(Path.of(path))).isEqualTo(ignored);
  }

  @org.junit.jupiter.api.Test
  void theRootIsNeverIgnored() {
    assertThat(rules.ignores(Path.of(""))).isFalse();
  }
}
