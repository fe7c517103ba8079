package fusesim.cli;

import fusesim.model.Fault;
import fusesim.report.itf.ItfExport;
import fusesim.report.itf.Json;
import fusesim.report.junit.JUnitExport;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim export --itf FILE.trace} (the model replay as an ITF JSON trace) and {@code
 * fusesim export --junit FILE.trace...} (a JUnit 5 class replaying the traces on the model); see
 * report/README.md. Exit 0 written, 2 bad input (every file reported, file:line:col) or usage.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export traces for neighbouring tools:",
        "--itf FILE.trace: the model's replay as an ITF JSON trace (Apalache/Quint; `fusesim replay --itf` reads it back);",
        "--junit FILE.trace...: a JUnit 5 test class that replays the traces on the model and asserts what it observed."})
final class ExportCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  static final class Format {
    @Option(names = "--itf", required = true, description = "write an ITF JSON trace (one trace)")
    boolean itf;

    @Option(names = "--junit", required = true, description = "write a JUnit 5 test class (one @Test per trace)")
    boolean junit;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Format format;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files (--junit: also directories)")
  List<Path> files;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write here instead of stdout")
  Path out;

  @Mixin
  FaultOption fault = new FaultOption(); // --itf only: the replay's faults

  @Option(names = "--class", paramLabel = "NAME", description = "--junit: the class name (default: from the "
      + "trace's file name for one trace, FusesimTracesTest for several)")
  String className;

  @Option(names = "--package", paramLabel = "P", description = "--junit: the package (default: none)")
  String pkg = "";

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    String text = format.itf ? itf(err) : junit(err);
    if (text == null) {
      return Traces.BAD_INPUT;
    }
    Traces.write(spec, out, text);
    return 0;
  }

  private String itf(PrintWriter err) {
    if (files.size() != 1) {
      err.println("fusesim: export --itf takes one trace (an ITF file is one run)");
      return null;
    }
    Set<Fault> faults;
    try {
      faults = fault.faults();
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return null;
    }
    Path p = files.get(0);
    try {
      return Json.write(ItfExport.export(p.toString(), TraceFile.text(p), faults));
    } catch (TraceFile.Unreadable e) {
      err.println("fusesim: " + e.getMessage());
    } catch (TraceError e) {
      err.println(e.getMessage());
    }
    return null;
  }

  private String junit(PrintWriter err) {
    if (!fault.names.isEmpty()) {
      err.println("fusesim: --fault is for --itf (the generated tests replay without faults)");
      return null;
    }
    List<JUnitExport.Case> cases = new ArrayList<>();
    int bad = 0;
    for (Traces.Entry e : Traces.entries(files)) {
      bad += addCase(e, cases, err) ? 0 : 1;
    }
    String name = className != null ? className
        : cases.size() == 1 ? JUnitExport.className(cases.get(0).file()) : "FusesimTracesTest";
    if (!JUnitExport.validNames(pkg, name)) {
      err.println("fusesim: not a Java class name: " + (pkg.isEmpty() ? "" : pkg + ".") + name);
      return null;
    }
    return bad > 0 || cases.isEmpty() ? null : JUnitExport.generate(pkg, name, cases);
  }

  private static boolean addCase(Traces.Entry e, List<JUnitExport.Case> cases, PrintWriter err) {
    if (e.problem() != null) {
      err.println("fusesim: " + e.problem());
      return false;
    }
    try {
      cases.add(JUnitExport.caseOf(e.path().toString(), TraceFile.text(e.path())));
      return true;
    } catch (TraceFile.Unreadable u) {
      err.println("fusesim: " + u.getMessage());
    } catch (TraceError t) {
      err.println(t.getMessage());
    }
    return false;
  }
}
