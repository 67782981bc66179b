package io.envkeeper.refusal;

import java.util.Locale;

/** Implemented by a feature's enum of refusal reasons: each constant's name is its problem code. */
public interface RefusalReason {

  /** The enum constant's name (implemented by every enum). */
  String name();

  /** The name in snake_case: the stable {@code code} of the problem answered for this reason. */
  default String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
