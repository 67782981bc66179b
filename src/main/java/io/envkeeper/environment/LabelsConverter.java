package io.envkeeper.environment;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores labels as a JSON object in a {@code jsonb} column (queried with {@code @>}). */
@Converter
class LabelsConverter implements AttributeConverter<Map<String, String>, String> {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {};

  @Override
  public String convertToDatabaseColumn(Map<String, String> labels) {
    return JSON.writeValueAsString(labels == null ? Map.of() : new TreeMap<>(labels));
  }

  @Override
  public Map<String, String> convertToEntityAttribute(String json) {
    return json == null ? new TreeMap<>() : JSON.readValue(json, LABELS);
  }

  /** The JSON object a {@code labels @> ...} containment filter takes. */
  static String toJson(Map<String, String> labels) {
    return JSON.writeValueAsString(new TreeMap<>(labels));
  }
}
