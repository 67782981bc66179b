package io.envkeeper.deploy;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.BoundPropertiesTrackingBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Binds a configuration with the application's real {@code @ConfigurationProperties} types, found
 * by scanning {@code io.envkeeper} (a class added later is covered without touching the tests),
 * the way Spring Boot binds them at start-up: the Binder with its conversions and, for
 * {@code @Validated} types, JSR-303 validation. A property under {@code envkeeper.} that no type
 * binds is unknown: the application would ignore it silently, so the check reports it.
 */
final class PropertiesClasses {

  static final String BASE_PACKAGE = "io.envkeeper";
  static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("envkeeper");

  /** One discovered type and the prefix it binds. */
  record Target(ConfigurationPropertyName prefix, Class<?> type, boolean validated) {}

  /** What binding found: properties no type took, and the contract stand-ins that were needed. */
  record Outcome(Set<ConfigurationPropertyName> unknown, List<String> standInsUsed, List<Object> bound) {}

  private PropertiesClasses() {}

  static List<Target> discover() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<Target> targets = new ArrayList<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(BASE_PACKAGE)) {
      Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), PropertiesClasses.class.getClassLoader());
      MergedAnnotations annotations = MergedAnnotations.from(type);
      String prefix = annotations.get(ConfigurationProperties.class).getString("prefix");
      targets.add(new Target(ConfigurationPropertyName.of(prefix), type, annotations.isPresent(Validated.class)));
    }
    targets.sort(Comparator.comparing(target -> target.prefix().toString()));
    return targets;
  }

  /**
   * Binds every discovered type, plus a contract stand-in for each API.md prefix no type claims
   * yet; throws Spring's own bind exception on an invalid value.
   */
  static Outcome bind(PodConfiguration configuration) {
    List<Target> targets = discover();
    Set<ConfigurationPropertyName> boundNames = new HashSet<>();
    List<Object> bound = new ArrayList<>();
    List<String> standInsUsed = new ArrayList<>();
    Binder binder = configuration.binder();
    try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
      SpringValidatorAdapter validator = new SpringValidatorAdapter(validation.getValidator());
      for (Target target : targets) {
        bound.add(bindOne(binder, target, validator, boundNames));
      }
      for (Map.Entry<ConfigurationPropertyName, Class<?>> standIn : ContractStandIns.BY_PREFIX.entrySet()) {
        if (!claimed(standIn.getKey(), targets)) {
          standInsUsed.add(standIn.getKey() + " -> " + standIn.getValue().getSimpleName());
          bound.add(bindOne(binder, new Target(standIn.getKey(), standIn.getValue(), true), validator, boundNames));
        }
      }
    }
    Set<ConfigurationPropertyName> unknown = new TreeSet<>(configuration.namesFromChart(ROOT));
    unknown.removeAll(boundNames);
    return new Outcome(unknown, standInsUsed, bound);
  }

  /** A real type claims a contract prefix when it binds that prefix or a part of it. */
  private static boolean claimed(ConfigurationPropertyName contract, List<Target> targets) {
    return targets.stream()
        .anyMatch(target -> target.prefix().equals(contract) || contract.isAncestorOf(target.prefix()));
  }

  private static Object bindOne(
      Binder binder, Target target, SpringValidatorAdapter validator, Set<ConfigurationPropertyName> boundNames) {
    BindHandler handler = new BoundPropertiesTrackingBindHandler(property -> boundNames.add(property.getName()));
    if (target.validated()) {
      handler = new ValidationBindHandler(handler, validator);
    }
    return binder.bindOrCreate(target.prefix(), Bindable.of(target.type()), handler);
  }
}
