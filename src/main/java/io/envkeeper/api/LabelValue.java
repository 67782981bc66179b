package io.envkeeper.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A label value, as create and PATCH accept it: present, up to 256 characters, no control character,
 * no lone surrogate.
 */
@NotNull
@Size(max = 256, message = "label values must be at most 256 characters")
// PostgreSQL cannot store NUL in text or jsonb; no control character belongs in a label.
// A lone surrogate is not text at all: stored, it would come back changed.
@Pattern(regexp = "[^\\p{Cc}\\p{Cs}]*", message = "label values must not contain control characters or lone surrogates")
@Constraint(validatedBy = {})
@Target(ElementType.TYPE_USE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface LabelValue {

  String message() default "label values must be at most 256 characters without control characters or lone surrogates";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
