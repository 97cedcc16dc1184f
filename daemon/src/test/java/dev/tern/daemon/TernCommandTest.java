package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TernCommandTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = TernCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void versionNamesTheBuiltVersion() {
    Run run = run("--version");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("tern 0."), run.out());
    assertTrue(!run.out().contains("${"), "version placeholder was not filtered: " + run.out());
  }

  @Test
  void helpListsTheGlobalOptions() {
    Run run = run("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("--dev"), run.out());
    assertTrue(run.out().contains("--config"), run.out());
  }

  @Test
  void unknownSubcommandFailsWithUsageOnStderr() {
    Run run = run("no-such-command");
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("Usage: tern"), run.err());
    assertEquals("", run.out());
  }
}
