package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Parsing {@code btrfs qgroup show --raw -f PATH}, as btrfs-progs 6.2 prints it. */
class StreamEstimateTest {
  @Test
  void theReferencedBytesOfTheSubvolumesOwnQuotaGroup() {
    String shown =
        """
        Qgroupid    Referenced    Exclusive   Path\s
        --------    ----------    ---------   ----\s
        0/257         50020352        16384   s1
        """;
    assertEquals(OptionalLong.of(50020352), StreamEstimate.referenced(shown));
  }

  @Test
  void olderOutputWithoutThePathColumn() {
    String shown =
        """
        qgroupid         rfer         excl\s
        --------         ----         ----\s
        0/258        1073758208        16384\s
        """;
    assertEquals(OptionalLong.of(1073758208), StreamEstimate.referenced(shown));
  }

  @Test
  void anythingButExactlyOneLevelZeroGroupIsNoEstimate() {
    assertEquals(OptionalLong.empty(), StreamEstimate.referenced(""));
    assertEquals(
        OptionalLong.empty(),
        StreamEstimate.referenced(
            "Qgroupid Referenced Exclusive Path\n-------- ---------- --------- ----\n"));
    assertEquals(
        OptionalLong.empty(),
        StreamEstimate.referenced("0/257 100 16384 a\n0/258 200 16384 b\n"),
        "two groups: which one?");
    assertEquals(
        OptionalLong.empty(), StreamEstimate.referenced("0/257 1.00GiB 16.00KiB a\n"), "not --raw");
    assertEquals(
        OptionalLong.of(300), StreamEstimate.referenced("1/100 999 999 -\n0/257 300 16384 a\n"));
  }
}
