package io.envkeeper.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A label key, as create and PATCH accept it: 1-63 characters of {@code [A-Za-z0-9._/-]}. */
@Pattern(regexp = "[A-Za-z0-9._/-]{1,63}", message = "label keys must be 1-63 characters of [A-Za-z0-9._/-]")
@Constraint(validatedBy = {})
@Target(ElementType.TYPE_USE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface LabelKey {

  String message() default "label keys must be 1-63 characters of [A-Za-z0-9._/-]";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
