package backuptool.btrfs;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a child of this JVM has written before it runs its program at all. With the JDK's default
 * launch (posix_spawn of jspawnhelper, which then execs the program under the same pid), the helper
 * writes a 4-byte "alive" message to the JVM first, and the kernel counts it in the child's {@code
 * wchar} like everything the program writes later; with the vfork or fork launch it writes nothing.
 * Rather than assume either, every short child of {@link Processes#run} measures it: the JVM's
 * count grows, once the child is reaped, by what the child wrote (launch and its output, which the
 * JVM drained and so knows exactly) plus what the JVM wrote to start it (measured on the starting
 * thread). Another child of the tool that runs in that window (one read ahead over ssh, on another
 * thread) would count its writes too: such a window measures nothing. Anything else that wrote
 * could only make a measurement larger, so the smallest measurement is the launch's own.
 */
final class LaunchWrites {
  private LaunchWrites() {}

  private static final AtomicLong SMALLEST = new AtomicLong(Long.MAX_VALUE);

  /** Measures one child: call {@link Window#open} before starting it. */
  static final class Window {
    private final OptionalLong jvmBefore;
    private final OptionalLong threadBefore;
    private final long startedBefore;
    private final boolean aloneBefore;
    private OptionalLong startWrites = OptionalLong.empty();

    private Window(OptionalLong jvmBefore, OptionalLong threadBefore) {
      this.startedBefore = Processes.started();
      this.aloneBefore = Processes.noneRunningBut(null);
      this.jvmBefore = jvmBefore;
      this.threadBefore = threadBefore;
    }

    /** Opens a window on the thread that will start the child, just before it does. */
    static Window open() {
      return new Window(ProcIo.jvm(), ProcIo.thisThread());
    }

    /** Right after the child started, on the same thread: what starting it wrote. */
    void started() {
      OptionalLong after = ProcIo.thisThread();
      if (after.isPresent() && threadBefore.isPresent()) {
        startWrites = OptionalLong.of(after.getAsLong() - threadBefore.getAsLong());
      }
    }

    /**
     * After {@code child} was reaped and its outputs drained ({@code outputBytes} in all): what it
     * measured, if anything.
     */
    OptionalLong reaped(Process child, long outputBytes) {
      OptionalLong jvmAfter = ProcIo.jvm();
      boolean alone =
          aloneBefore
              && Processes.started() == startedBefore + 1
              && Processes.noneRunningBut(child);
      if (alone && jvmAfter.isPresent() && jvmBefore.isPresent() && startWrites.isPresent()) {
        long launch =
            jvmAfter.getAsLong() - jvmBefore.getAsLong() - startWrites.getAsLong() - outputBytes;
        if (launch >= 0) {
          SMALLEST.accumulateAndGet(launch, Math::min);
          return OptionalLong.of(launch);
        }
      }
      return OptionalLong.empty();
    }
  }

  /** The bytes a child writes before its program starts; empty until one child was measured. */
  static OptionalLong perChild() {
    long smallest = SMALLEST.get();
    return smallest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(smallest);
  }
}
