package io.envkeeper.api;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read strictly: unknown fields, duplicate fields, trailing garbage, numbers or
 * booleans where a string belongs and deep nesting are all refused rather than guessed at.
 */
@Configuration(proxyBeanMethods = false)
class JsonStrictnessConfiguration {

  @Bean
  JsonMapperBuilderCustomizer strictJson() {
    return builder ->
        builder
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .withCoercionConfig(
                LogicalType.Textual,
                config ->
                    config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }

  @Bean
  JsonFactoryBuilderCustomizer shallowJson(ApiProperties properties) {
    return builder ->
        builder
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(properties.maxJsonDepth()).build())
            // {"name":"a","name":"b"} is refused, not read as whichever came last.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }
}
