package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sourceforge.argparse4j.internal.ArgumentImpl;
import net.sourceforge.argparse4j.internal.ArgumentParserImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option the parser knows is completed by the bash completion and described in the man page,
 * and nothing else is: a new option that is missing from either fails here.
 */
class EveryOptionTest {
  /**
   * Each option string of CommandLine.parser() ("-v", "--verbose", ...), and if it takes a value.
   */
  private static final Map<String, Boolean> PARSER = new TreeMap<>();

  @TempDir Path tmp;

  @BeforeAll
  static void readTheParser() throws ReflectiveOperationException {
    // argparse4j 0.9.0 has no public list of a parser's options: read its index of them.
    Field index = ArgumentParserImpl.class.getDeclaredField("namedArgIndex_");
    index.setAccessible(true);
    Map<?, ?> options = (Map<?, ?>) index.get(CommandLine.parser());
    options.forEach(
        (flag, argument) ->
            PARSER.put((String) flag, ((ArgumentImpl) argument).getAction().consumeArgument()));
    // the reflection reads what it should: options that are known to be there
    assertTrue(PARSER.keySet().containsAll(List.of("--backup", "-v", "--verbose", "--help")));
    assertEquals(true, PARSER.get("--pair"));
    assertEquals(false, PARSER.get("--dry-run"));
  }

  @Test
  void theCompletionOffersEveryOptionAndNoOther() throws Exception {
    assertEquals(PARSER.keySet(), new TreeSet<>(Shell.complete(tmp, "backup-tool", "")), "offered");
    assertEquals(
        PARSER.keySet(), new TreeSet<>(Shell.complete(tmp, "backup-tool", "-")), "offered for -");
  }

  @Test
  void theCompletionKnowsWhichOptionsTakeAValue() throws Exception {
    // after an option that takes a value, its values are offered (pair names, files: none
    // here, or the names in /etc/backup-tool if it exists), never options; after any other
    // option, options are
    for (Map.Entry<String, Boolean> option : PARSER.entrySet()) {
      List<String> offered = Shell.complete(tmp, "backup-tool", option.getKey(), "");
      boolean options = !offered.isEmpty() && offered.stream().allMatch(o -> o.startsWith("-"));
      assertEquals(!option.getValue(), options, option.getKey() + " then " + offered);
    }
  }

  @Test
  void theManPageDescribesEveryOptionAndNoOther() throws Exception {
    Path page = tmp.resolve("backup-tool.1");
    // make-man.sh runs the tool's --help from a class path as well as from the jar
    Shell.run(
        tmp,
        Map.of("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "\"$1\" \"$2\" \"$3\"",
        Shell.MAKE_MAN.toString(),
        System.getProperty("java.class.path"),
        page.toString());
    String roff = Files.readString(page);
    Matcher section = Pattern.compile("(?s)\n\\.SH OPTIONS\n(.*?)\n\\.SH ").matcher(roff);
    assertTrue(section.find(), roff);
    // each option is described under a .TP heading line such as \fB\-v\fR, \fB\-\-verbose\fR
    Set<String> described = new TreeSet<>();
    Matcher heading = Pattern.compile("\\.TP\n(.*)\n").matcher(section.group(1));
    while (heading.find()) {
      Matcher flag =
          Pattern.compile("\\\\fB(\\\\-(?:\\\\-|[a-z0-9])+)\\\\fR").matcher(heading.group(1));
      while (flag.find()) {
        described.add(flag.group(1).replace("\\-", "-"));
      }
    }
    assertEquals(PARSER.keySet(), described, section.group(1));
    for (String option : PARSER.keySet()) {
      assertTrue(roff.contains(option.replace("-", "\\-")), option + " in the synopsis");
    }
  }
}
