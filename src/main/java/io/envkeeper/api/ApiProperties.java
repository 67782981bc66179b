package io.envkeeper.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP API.
 *
 * @param maxBodySize Largest request body accepted; larger ones get {@code 413 payload_too_large}.
 * @param maxJsonDepth Deepest JSON nesting accepted in a request body.
 */
@ConfigurationProperties("envkeeper.api")
public record ApiProperties(@DefaultValue("64KB") DataSize maxBodySize, @DefaultValue("16") int maxJsonDepth) {}
