package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcIoTest {
  @Test
  void parsesTheWriteCount() {
    String io =
        """
        rchar: 6976
        wchar: 50034268
        syscr: 10
        syscw: 3
        read_bytes: 0
        write_bytes: 0
        cancelled_write_bytes: 0
        """;
    assertEquals(OptionalLong.of(50034268), ProcIo.parse(io));
    assertEquals(OptionalLong.empty(), ProcIo.parse("rchar: 1\n"));
    assertEquals(OptionalLong.empty(), ProcIo.parse("wchar: lots\n"));
  }

  @Test
  void aThreadsCountGrowsByExactlyWhatItWrites() throws IOException {
    OptionalLong before = ProcIo.thisThread();
    try (FileOutputStream out = new FileOutputStream("/dev/null")) {
      out.write(new byte[12345]);
    }
    OptionalLong after = ProcIo.thisThread();
    assertTrue(before.isPresent() && after.isPresent(), "/proc/thread-self/io is readable");
    assertEquals(12345, after.getAsLong() - before.getAsLong());
    assertTrue(ProcIo.jvm().getAsLong() >= after.getAsLong(), "the JVM counts all its threads");
    assertEquals(OptionalLong.empty(), ProcIo.process(Long.MAX_VALUE), "no such process");
  }
}
