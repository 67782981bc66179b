package io.envkeeper.environment;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link DestroyReason} by its wire name, as the column's check constraint lists them. */
@Converter
class DestroyReasonConverter implements AttributeConverter<DestroyReason, String> {

  @Override
  public String convertToDatabaseColumn(DestroyReason reason) {
    return reason == null ? null : reason.wireName();
  }

  @Override
  public DestroyReason convertToEntityAttribute(String name) {
    return name == null ? null : DestroyReason.fromWireName(name);
  }
}
