package io.envkeeper.runtime.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ManifestTests {

  @Test
  void directoryTableAgreesWithAMapThroughRandomPutsAndRemovals() {
    ManifestDirectory table = new ManifestDirectory();
    Map<String, Long> expected = new HashMap<>();
    Random random = new Random(15);
    for (int step = 0; step < 200_000; step++) {
      String name = "f" + random.nextInt(3_000);
      byte[] key = name.getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(3) == 0) {
        int position = table.find(key);
        assertThat(position >= 0).isEqualTo(expected.containsKey(name));
        if (position >= 0) {
          table.removeAt(position);
          expected.remove(name);
        }
      } else {
        long size = random.nextLong();
        table.put(key, ManifestDirectory.FILE, size, step);
        expected.put(name, size);
      }
    }
    assertThat(table.count()).isEqualTo(expected.size());
    expected.forEach((name, size) -> {
      int position = table.find(name.getBytes(StandardCharsets.UTF_8));
      assertThat(position).as(name).isNotNegative();
      assertThat(table.size(position)).isEqualTo(size);
    });
  }

  @Test
  void pathsGoInWithTheirParentsAndADeletedDirectoryTakesItsSubtree() {
    Manifest manifest = new Manifest();
    manifest.put(Path.of("src"), ManifestDirectory.DIRECTORY, 0, 1);
    manifest.put(Path.of("src/main/App.java"), ManifestDirectory.FILE, 12, 2);
    manifest.put(Path.of("README"), ManifestDirectory.FILE, 3, 3);
    assertThat(manifest.entries()).isEqualTo(4);
    assertThat(manifest.directory(Path.of("src/main")).count()).isEqualTo(1);

    manifest.remove(Path.of("src"));

    assertThat(manifest.entries()).isEqualTo(1);
    assertThat(manifest.directory(Path.of("src/main"))).isNull();
  }

  @Test
  void encodedManifestReadsBackAndADamagedOneIsRefused() throws Exception {
    Manifest manifest = new Manifest();
    manifest.put(Path.of("a/b/c.txt"), ManifestDirectory.FILE, 42, 1_700_000_000_123_456_789L);
    manifest.put(Path.of("a/link"), ManifestDirectory.SYMLINK, 5, 7);
    manifest.put(Path.of("é ü"), ManifestDirectory.FILE, 0, 0);
    manifest.put(Path.of("empty-dir"), ManifestDirectory.DIRECTORY, 0, 9);

    byte[] bytes = ManifestFormat.encode(manifest, new Manifest.Header(77, true, 123));
    ManifestFormat.Decoded decoded = ManifestFormat.decode(bytes);

    assertThat(decoded.header()).isEqualTo(new Manifest.Header(77, true, 123));
    assertThat(decoded.entries()).isEqualTo(6);
    ManifestDirectory b = decoded.manifest().directory(Path.of("a/b"));
    int file = b.find("c.txt".getBytes(StandardCharsets.UTF_8));
    assertThat(b.size(file)).isEqualTo(42);
    assertThat(b.mtime(file)).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(decoded.manifest().root().find("é ü".getBytes(StandardCharsets.UTF_8))).isNotNegative();

    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 9);
    assertThatThrownBy(() -> ManifestFormat.decode(cut)).isInstanceOf(ManifestFormat.InvalidManifestException.class);
    bytes[30] ^= 1;
    assertThatThrownBy(() -> ManifestFormat.decode(bytes)).isInstanceOf(ManifestFormat.InvalidManifestException.class);
  }

  @Test
  void aDirectoryIsComparedByTypeOnlyAndAFileBySizeAndMtimeToo() {
    byte dir = ManifestDirectory.DIRECTORY;
    byte file = ManifestDirectory.FILE;
    assertThat(Manifest.differs(dir, 4096, 1, dir, 8192, 2)).isFalse();
    assertThat(Manifest.differs(file, 1, 1, file, 1, 1)).isFalse();
    assertThat(Manifest.differs(file, 1, 1, file, 2, 1)).isTrue();
    assertThat(Manifest.differs(file, 1, 1, file, 1, 2)).isTrue();
    assertThat(Manifest.differs(file, 1, 1, dir, 1, 1)).isTrue();
    assertThat(Manifest.differs(ManifestDirectory.UNKNOWN, -1, -1, file, 1, 1)).isTrue();
  }
}
