package io.envkeeper.runtime.process;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A Java regular expression that compiles (null is allowed: nothing configured). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidRegex.Validator.class)
public @interface ValidRegex {

  String message() default "must be a valid regular expression";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Compiles the value; the compiler's own description of the error becomes the message. */
  class Validator implements ConstraintValidator<ValidRegex, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      try {
        Pattern.compile(value);
        return true;
      } catch (PatternSyntaxException e) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(
                "must be a valid regular expression: " + e.getDescription().replace("{", "\\{").replace("$", "\\$")
                    + " near index " + e.getIndex())
            .addConstraintViolation();
        return false;
      }
    }
  }
}
