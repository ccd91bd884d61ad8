package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the tool at random moments of full and incremental transfers, with SIGKILL (nothing can be
 * cleaned up: the next run must), SIGTERM, SIGINT and SIGHUP (the run itself must stop in order).
 * After each, a normal run must complete and leave exactly one complete backup per snapshot, equal
 * to it byte for byte, nothing incomplete, an empty receive journal, and every snapshot and backup
 * seen before still there; no {@code btrfs send} or {@code receive} of the stopped run may go on.
 * The moments come from a fixed-seed generator: a third of the SIGKILLs are drawn over the whole
 * run, the others (and all SIGTERMs, SIGINTs and SIGHUPs) over the transfer itself, after {@code
 * btrfs receive} has started, so that most land mid-transfer; the test counts where they landed and
 * prints it.
 */
@Tag("btrfs")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillTest {
  /** Large enough that a transfer takes a good part of a second, so that kills can hit it. */
  private static final long BIG_FILE = 96L << 20;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path work;

  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static ToolProcess tool;
  private static final BackupLedger ledger = new BackupLedger();
  private static final Random random = new Random(20261122L);
  private static int iteration;

  /** The newest snapshot of "incr": the parent of its next incremental send. */
  private static String lastIncremental = BackupLedger.name(0);

  private static Path fullVolume;
  private static Path fullSnaps;
  private static Path incrVolume;
  private static Path incrSnaps;
  private static Path incrTarget;
  private static Path incrConfig;

  /** A normal run's duration, and how long its {@code btrfs receive} runs (the transfer). */
  private static long runMillis;

  private static long transferMillis;

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("kill-src", 4096);
    target = LoopBtrfs.create("kill-tgt", 6144);
    tool = new ToolProcess(work.resolve("tool"));

    // "full": one snapshot, sent in full to a fresh target directory by every full iteration.
    fullVolume = volume("full-live", 1);
    fullSnaps = Files.createDirectories(source.root().resolve("full-snaps"));
    BackupLedger.snapshot(fullVolume, fullSnaps, BackupLedger.name(0));

    // "incr": a chain; every incremental iteration rewrites the big file and takes a snapshot.
    incrVolume = volume("incr-live", 2);
    incrSnaps = Files.createDirectories(source.root().resolve("incr-snaps"));
    incrTarget = Files.createDirectories(target.root().resolve("incr-backups"));
    incrConfig =
        tool.config(
            "incr.toml",
            TestConfigs.pair("incr", incrVolume, incrSnaps, incrTarget, 100, 1000, 100, 1000));
    BackupLedger.snapshot(incrVolume, incrSnaps, BackupLedger.name(0));

    // Calibration: the first backup of "incr", a full send, uninterrupted.
    ToolProcess.Running first = tool.start(incrConfig, "--backup", "--pair", "incr");
    assertTrue(first.awaitChild("btrfs receive " + incrTarget, START_TIMEOUT));
    long receiveSeen = first.elapsed().toMillis();
    ToolProcess.Result r = first.await();
    assertEquals(0, r.exit(), r.transcript());
    runMillis = r.took().toMillis();
    transferMillis = Math.max(50, runMillis - receiveSeen);
    ledger.assertComplete("first backup", source.root(), incrSnaps, target.root(), incrTarget);
    System.out.printf(
        "kill test: a normal run takes %d ms, its transfer (%d MiB) %d ms%n",
        runMillis, (BIG_FILE >> 20) + TestData.LARGE_FILE_BYTES / (1 << 20), transferMillis);
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      if (tool != null) {
        tool.close();
      }
    } finally {
      LoopBtrfs.closeAll(source, target);
    }
  }

  private static Path volume(String name, long seed) throws IOException {
    Path volume = source.root().resolve(name);
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, seed);
    TestData.randomFile(volume.resolve("big.bin"), seed, BIG_FILE);
    return volume;
  }

  private enum Transfer {
    FULL,
    INCREMENTAL
  }

  /** Where a signal landed, as the state it left shows. */
  private enum Landed {
    BEFORE_THE_SEND("before the send was recorded"),
    BEFORE_THE_RECEIVE("after the send was recorded, before the receive began"),
    MID_TRANSFER("mid-transfer: an incomplete backup was left"),
    AFTER_THE_RECEIVE("after the receive had completed"),
    TOO_LATE("after the run had ended (not counted)");

    final String text;

    Landed(String text) {
      this.text = text;
    }
  }

  /** A counter of where the signals of one test landed. */
  private static final class Tally {
    final TreeMap<Landed, Integer> landed = new TreeMap<>();
    int staleJournalEntries;
    int partialsRemovedByTheRun;

    void add(Landed l) {
      landed.merge(l, 1, Integer::sum);
    }

    int count(Landed l) {
      return landed.getOrDefault(l, 0);
    }

    int survived() {
      return landed.entrySet().stream()
          .filter(e -> e.getKey() != Landed.TOO_LATE)
          .mapToInt(e -> e.getValue())
          .sum();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      landed.forEach((l, n) -> parts.add(n + " " + l.text));
      return String.join(", ", parts);
    }
  }

  @Test
  @Order(2)
  void sigkillAtRandomMomentsOfFullAndIncrementalTransfers() throws IOException {
    Tally tally = new Tally();
    // Until 12 kills have landed (one that comes after the end of its run does not count).
    for (int i = 0; tally.survived() < 12 && i < 30; i++) {
      Transfer transfer = i % 2 == 0 ? Transfer.FULL : Transfer.INCREMENTAL;
      boolean midTransfer = i % 3 != 2; // two of three wait for the transfer, one is anywhere
      tally.add(interrupt("KILL", transfer, midTransfer, tally));
    }
    ledger.assertAllEqual("after all kills"); // runs last: also those of the SIGTERM test
    int survived = tally.survived();
    System.out.printf(
        "kill test: %d SIGKILL kills survived (%s); %d backups compared byte for byte;"
            + " %d snapshots and %d backups seen, 0 lost%n",
        survived,
        tally.describe(),
        ledger.compared(),
        ledger.snapshotsSeen(),
        ledger.backupsSeen());
    if (tally.staleJournalEntries > 0) {
      System.out.printf(
          "kill test: KNOWN LIMIT: %d kills after a completed receive left its name in the"
              + " receive journal until the next send (see docs/reliability.md)%n",
          tally.staleJournalEntries);
    }
    assertTrue(survived >= 12, "at least 12 kills must land: " + tally.describe());
    assertTrue(
        tally.count(Landed.MID_TRANSFER) >= 4,
        "kills must really land mid-transfer: " + tally.describe());
  }

  @Test
  @Order(1)
  void sigtermSigintAndSighupStopTheTransferAndRemoveThePartialThemselves() throws IOException {
    Tally term = new Tally();
    Tally intr = new Tally();
    Tally hup = new Tally();
    for (Transfer transfer : Transfer.values()) {
      term.add(interrupt("TERM", transfer, true, term));
      intr.add(interrupt("INT", transfer, true, intr));
      hup.add(interrupt("HUP", transfer, true, hup));
    }
    // A signal sent at a random moment of a short transfer may come after the run has ended (not
    // counted): such a signal is tried again, a few times, rather than the machine's timing
    // failing the test.
    for (int retry = 0; retry < 4; retry++) {
      Transfer transfer = Transfer.values()[retry % Transfer.values().length];
      if (term.survived() == 0) {
        term.add(interrupt("TERM", transfer, true, term));
      }
      if (intr.survived() == 0) {
        intr.add(interrupt("INT", transfer, true, intr));
      }
      if (hup.survived() == 0) {
        hup.add(interrupt("HUP", transfer, true, hup));
      }
    }
    System.out.printf(
        "kill test: %d SIGTERM (%s), %d SIGINT (%s) and %d SIGHUP (%s) survived; %d partial"
            + " backups removed by the interrupted run itself%n",
        term.survived(),
        term.describe(),
        intr.survived(),
        intr.describe(),
        hup.survived(),
        hup.describe(),
        term.partialsRemovedByTheRun + intr.partialsRemovedByTheRun + hup.partialsRemovedByTheRun);
    assertTrue(term.survived() >= 1, "no SIGTERM landed: " + term.describe());
    assertTrue(intr.survived() >= 1, "no SIGINT landed: " + intr.describe());
    assertTrue(hup.survived() >= 1, "no SIGHUP landed: " + hup.describe());
  }

  /**
   * One fault: prepares a full or incremental transfer, starts a backup, signals it at a random
   * moment, checks what the signal left, runs a normal backup, and checks that everything is
   * complete and nothing was lost.
   */
  private static Landed interrupt(
      String signal, Transfer transfer, boolean midTransfer, Tally tally) throws IOException {
    int i = ++iteration;
    String what = "iteration " + i + " (SIG" + signal + ", " + transfer + ")";
    Path snaps;
    Path targetDir;
    Path config;
    String pair;
    if (transfer == Transfer.FULL) {
      pair = "full";
      snaps = fullSnaps;
      targetDir = Files.createDirectories(target.root().resolve("full-" + i));
      config =
          tool.config(
              "full-" + i + ".toml",
              TestConfigs.pair("full", fullVolume, fullSnaps, targetDir, 100, 1000, 100, 1000));
    } else {
      pair = "incr";
      snaps = incrSnaps;
      targetDir = incrTarget;
      config = incrConfig;
      TestData.change(incrVolume, 100 + i);
      TestData.randomFile(incrVolume.resolve("big.bin"), 100 + i, BIG_FILE);
      BackupLedger.snapshot(incrVolume, incrSnaps, BackupLedger.name(i));
    }
    String sending = transfer == Transfer.FULL ? BackupLedger.name(0) : BackupLedger.name(i);

    ToolProcess.Running run = tool.start(config, "--backup", "--pair", pair);
    double at = random.nextDouble();
    long delay;
    if (midTransfer) {
      if (!run.awaitChild("btrfs receive " + targetDir, START_TIMEOUT)) {
        fail(what + ": the receive never started:\n" + run.await().transcript());
      }
      delay = (long) (at * transferMillis * 0.9);
    } else {
      delay = (long) (at * runMillis * 0.9);
    }
    ToolProcess.pause(delay);
    if (run.isAlive()) {
      run.signal(signal);
    }
    ToolProcess.Result stopped = run.await();
    String context = what + ", signalled after " + delay + " ms:\n" + stopped.transcript();

    // No btrfs send or receive of the stopped run goes on behind its back.
    for (LoopBtrfs fs : List.of(source, target)) {
      assertEquals(
          List.of(),
          ToolProcess.awaitNoProcessMentioning(fs.root().toString(), Duration.ofSeconds(3)),
          context + "\nprocesses left running");
    }

    List<String> incomplete = BackupLedger.incomplete(target.root(), targetDir);
    Set<String> journal = BackupLedger.journal(targetDir);
    boolean complete =
        BackupLedger.in(target.root(), targetDir).containsKey(sending) && incomplete.isEmpty();
    boolean removedByTheRun = stopped.out().contains("removed the partial");
    Landed landed;
    if (stopped.exit() == 0) {
      landed = Landed.TOO_LATE;
    } else if (!incomplete.isEmpty() || removedByTheRun) {
      landed = Landed.MID_TRANSFER;
    } else if (complete) {
      landed = Landed.AFTER_THE_RECEIVE;
    } else if (journal.contains(sending) || stopped.out().contains("FAILED  send")) {
      landed = Landed.BEFORE_THE_RECEIVE;
    } else {
      landed = Landed.BEFORE_THE_SEND;
    }

    if (signal.equals("KILL")) {
      if (landed != Landed.TOO_LATE) {
        assertEquals(137, stopped.exit(), context);
      }
      if (landed == Landed.MID_TRANSFER) {
        assertEquals(List.of(sending), incomplete, context);
        assertTrue(journal.contains(sending), context + "\nthe journal lacks the partial");
      }
    } else if (landed != Landed.TOO_LATE) {
      // SIGTERM, SIGINT and SIGHUP: the run stops in order and cleans up after itself.
      int code =
          switch (signal) {
            case "TERM" -> 143;
            case "INT" -> 130;
            case "HUP" -> 129;
            default -> throw new IllegalArgumentException(signal);
          };
      assertEquals(code, stopped.exit(), context);
      assertTrue(stopped.err().contains("interrupted by SIG" + signal), context);
      assertEquals(List.of(), incomplete, context + "\nthe run left its partial backup");
      if (!complete) {
        assertEquals(Set.of(), journal, context + "\nthe run left its journal entry");
      }
      if (removedByTheRun) {
        tally.partialsRemovedByTheRun++;
      }
    }

    System.out.printf(
        "kill test: %2d SIG%-4s %-11s %-12s signal after %4d ms: exit %3d, %s%n",
        i,
        signal,
        transfer,
        midTransfer ? "in transfer" : "in the run",
        delay,
        stopped.exit(),
        landed.text);

    // The next normal run completes and leaves everything as if nothing had happened.
    ToolProcess.Result next = tool.run(config, "--backup", "--pair", pair);
    String both = context + "\n" + next.transcript();
    assertEquals(0, next.exit(), both);
    assertEquals("", next.err(), both);
    if (landed == Landed.MID_TRANSFER && signal.equals("KILL")) {
      assertTrue(
          next.out()
              .contains(
                  "remove  "
                      + sending
                      + ": incomplete backup, left by an interrupted run (its receive never"
                      + " finished)"),
          both);
    }
    if (!complete) {
      String how = transfer == Transfer.FULL ? "full send" : "incremental from " + lastIncremental;
      assertTrue(next.out().contains("send    " + sending + ": " + how), both);
    }
    if (transfer == Transfer.INCREMENTAL) {
      lastIncremental = sending;
    }
    ledger.assertComplete(what, source.root(), snaps, target.root(), targetDir);
    ledger.assertNothingLost(what, source.root(), target.root());

    // A kill between the end of a receive and the journal's update leaves the name of a complete,
    // verified backup in the journal (reported in docs/reliability.md) until the next send clears
    // it. A record of anything else (an incomplete backup, nothing at all) is a failure.
    Set<String> left = new TreeSet<>(BackupLedger.journal(targetDir));
    if (landed == Landed.AFTER_THE_RECEIVE && left.contains(sending)) {
      tally.staleJournalEntries++;
    }
    Map<String, BackupLedger.Sub> there = BackupLedger.in(target.root(), targetDir);
    left.removeIf(name -> there.containsKey(name) && !there.get(name).incomplete());
    if (!left.isEmpty()) {
      fail(both + "\njournal entries left that are not complete backups: " + left);
    }
    return landed;
  }
}
