package io.envkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.TestApplication;
import io.envkeeper.support.TestDirectories;
import io.envkeeper.support.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service bound to one address keeps its separate management port on that address too (unless
 * {@code management.server.address} says otherwise): an API bound to loopback must not leave the
 * actuator, where every request is trusted as admin, listening on every interface.
 */
class ManagementAddressIntegrationTests {

  @Test
  void managementPortListensWhereTheApiListens() {
    int management = freePort();
    try (ConfigurableApplicationContext context =
        TestApplication.start(properties("server.address=127.0.0.1", "management.server.port=" + management))) {

      assertThat(listeningAddresses(management)).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
      assertThat(context.getEnvironment().getProperty("management.server.address")).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void anExplicitManagementAddressIsKept() {
    int management = freePort();
    try (ConfigurableApplicationContext context = TestApplication.start(properties(
        "server.address=127.0.0.1", "management.server.port=" + management, "management.server.address=0.0.0.0"))) {

      assertThat(listeningAddresses(management)).isNotEmpty().allMatch(InetAddress::isAnyLocalAddress);
    }
  }

  private static List<String> properties(String... extra) {
    List<String> properties = new ArrayList<>(List.of(
        "envkeeper.data-dir=" + TestDirectories.create("management-data"),
        "envkeeper.workspace.roots[0]=" + TestDirectories.create("management-root"),
        "envkeeper.workspace.managed-root=" + TestDirectories.create("management-managed")));
    properties.addAll(TestTokens.propertyStrings());
    properties.addAll(List.of(extra));
    return properties;
  }

  /** The local addresses of sockets listening on {@code port}, as the kernel reports them. */
  private static List<InetAddress> listeningAddresses(int port) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        boolean listening = fields[3].equals("0A");
        if (listening && Integer.parseInt(local[1], 16) == port) {
          addresses.add(address(local[0]));
        }
      }
    }
    return addresses;
  }

  /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
  private static InetAddress address(String hex) {
    byte[] raw = HexFormat.of().parseHex(hex);
    byte[] bytes = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        bytes[word + i] = raw[word + 3 - i];
      }
    }
    try {
      return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address comes back as IPv4
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
