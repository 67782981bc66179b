package io.envkeeper.api;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How the API description shows the {@code {wid}} path variable of {@code …/workers/{wid}…}: one
 * declaration for every operation that takes it (springdoc merges a meta-annotated
 * {@link Parameter}). Spring MVC still needs {@code @PathVariable} beside it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Parameter(description = "Worker id", schema = @Schema(format = "uuid"))
@interface WorkerIdParameter {}
