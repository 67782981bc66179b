package io.envkeeper.worker;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores a worker's extra arguments as a JSON array in a {@code jsonb} column. */
@Converter
class ArgsConverter implements AttributeConverter<List<String>, String> {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<ArrayList<String>> ARGS = new TypeReference<>() {};

  @Override
  public String convertToDatabaseColumn(List<String> args) {
    return JSON.writeValueAsString(args == null ? List.of() : args);
  }

  @Override
  public List<String> convertToEntityAttribute(String json) {
    return json == null ? new ArrayList<>() : JSON.readValue(json, ARGS);
  }
}
