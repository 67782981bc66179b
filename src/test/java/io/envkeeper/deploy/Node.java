package io.envkeeper.deploy;

import java.util.List;
import java.util.Map;

/** Navigation in parsed YAML (maps and lists), failing with the path when the shape is wrong. */
final class Node {

  private Node() {}

  /** The value at a dotted path of map keys, or {@code null} when a key is absent. */
  static Object at(Object root, String path) {
    Object current = root;
    for (String key : path.split("\\.")) {
      if (current == null) {
        return null;
      }
      current = map(current, path).get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new AssertionError(what + " is not a mapping: " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    if (!(value instanceof List)) {
      throw new AssertionError(what + " is not a list: " + value);
    }
    return (List<Object>) value;
  }
}
