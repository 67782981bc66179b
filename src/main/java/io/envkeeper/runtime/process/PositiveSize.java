package io.envkeeper.runtime.process;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.util.unit.DataSize;

/** A data size above zero bytes (null is allowed: nothing configured). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PositiveSize.Validator.class)
public @interface PositiveSize {

  String message() default "must be a size above zero (e.g. 512MB)";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Checks {@code bytes > 0}. */
  class Validator implements ConstraintValidator<PositiveSize, DataSize> {
    @Override
    public boolean isValid(DataSize value, ConstraintValidatorContext context) {
      return value == null || value.toBytes() > 0;
    }
  }
}
