package io.envkeeper.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.envkeeper.support.TestDirectories;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A restarted worker's log (opened to append) continues the offsets of its earlier processes, also
 * when a rotation comes after the restart: the same worker's byte offsets never go back.
 */
class WorkerLogRestartTests {

  private static final int MAX_BYTES = 16 * 1024;

  @Test
  void offsetsContinueAcrossRestartsAndARotationAfterOne() throws IOException {
    Path file = TestDirectories.create("worker-log-restart").resolve("logs").resolve("w.log");
    byte[] line = ("x".repeat(63) + "\n").getBytes(StandardCharsets.US_ASCII);
    long total = 0;
    for (int process = 0; process < 3; process++) {
      try (WorkerLog log = new WorkerLog(file, MAX_BYTES, process > 0, () -> { })) {
        for (int i = 0; i < 150; i++) { // 9 600 bytes a process: the second one rotates
          log.write(line, line.length);
          total += line.length;
        }
      }
    }
    try (KeptLog kept = KeptLog.open(file)) {
      assertThat(kept.end()).isEqualTo(total);
      assertThat(kept.start()).isZero(); // 28 800 bytes, under twice the cap: nothing dropped
      assertThat(kept.startsAtLine()).isTrue();
      ByteBuffer buffer = ByteBuffer.allocate((int) total);
      long offset = 0;
      while (offset < total) {
        int read = kept.read(offset, buffer);
        assertThat(read).isPositive();
        offset += read;
      }
      String text = new String(buffer.array(), StandardCharsets.US_ASCII);
      assertThat(text).isEqualTo(new String(line, StandardCharsets.US_ASCII).repeat(450));
    }
  }
}
