package io.envkeeper.support;

import io.envkeeper.security.TokenHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens every test application is configured with (as hashes, like a real deployment): an
 * admin, which {@link ApiClient} sends by default, and clients of two tenants.
 */
public final class TestTokens {

  /** Admin of tenant {@value #ADMIN_TENANT}: sees every tenant, may read the actuator. */
  public static final String ADMIN = "ek_test-admin-0000000000000000000000000000000000";
  public static final String ADMIN_TENANT = "ops";
  /** Client of tenant {@value #TENANT_A}. */
  public static final String CLIENT_A = "ek_test-client-a-00000000000000000000000000000000";
  public static final String TENANT_A = "tenant-a";
  /** Client of tenant {@value #TENANT_B}. */
  public static final String CLIENT_B = "ek_test-client-b-00000000000000000000000000000000";
  public static final String TENANT_B = "tenant-b";

  private TestTokens() {}

  /** {@code envkeeper.security.tokens[i].*} for the three tokens. */
  public static Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    add(properties, 0, ADMIN, ADMIN_TENANT, "admin");
    add(properties, 1, CLIENT_A, TENANT_A, "client");
    add(properties, 2, CLIENT_B, TENANT_B, "client");
    return properties;
  }

  /** {@link #properties()} as {@code key=value} strings. */
  public static List<String> propertyStrings() {
    List<String> strings = new ArrayList<>();
    properties().forEach((key, value) -> strings.add(key + "=" + value));
    return strings;
  }

  /** {@link #properties()} as command-line arguments. */
  public static List<String> arguments() {
    return propertyStrings().stream().map(property -> "--" + property).toList();
  }

  private static void add(Map<String, String> properties, int index, String token, String tenant, String role) {
    String prefix = "envkeeper.security.tokens[" + index + "].";
    properties.put(prefix + "hash", TokenHash.of(token));
    properties.put(prefix + "tenant", tenant);
    properties.put(prefix + "role", role);
  }
}
