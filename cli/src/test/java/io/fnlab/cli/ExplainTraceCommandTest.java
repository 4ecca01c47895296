package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** explain and trace as a user runs them (the commands alone: Main registers them). */
class ExplainTraceCommandTest {
    record Run(int code, String out, String err) {}

    static Path scenarios() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("scenarios/seed000-fullnat.yaml"))) return p.resolve("scenarios");
        throw new IllegalStateException("no scenarios/ directory");
    }

    static Run run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("fnlab: " + ex.getMessage());
            return ExitCodes.BAD_INPUT;
        });
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String scenario(String name) {
        return scenarios().resolve(name + ".yaml").toString();
    }

    @Test
    void traceOfAnEstablishedFlowExitsZero() {
        Run r = run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "client", "--to", "10.1.1.1:80", "--sport", "40000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("flow trace: ESTABLISHED"), r.out());
        assertTrue(r.out().contains("client sees  tcp 10.1.1.100:40000 -> 10.1.1.1:80"), r.out());
        assertTrue(r.out().contains("[INPUT 99] ip_vs ip_vs_in_hook -> STOLEN"), r.out());
        assertTrue(r.out().contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"), r.out());
    }

    @Test
    void traceAsJson() {
        Run r = run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "client", "--to", "10.1.1.1:80", "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().trim().startsWith("{"), r.out());
        assertTrue(r.out().contains("\"type\" : \"IpvsSchedule\""), r.out());
        assertTrue(r.out().contains("\"outcome\" : \"ESTABLISHED\""), r.out());
    }

    @Test
    void traceOfAFailingFlowExitsOne() {
        // nothing listens on port 81 behind the director: no service, the director itself refuses
        Run r = run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "client", "--to", "10.1.1.1:81");
        assertEquals(1, r.code(), r.out() + r.err());
        assertFalse(r.out().contains(": ESTABLISHED"), r.out());
    }

    @Test
    void traceBadInputExitsTwo() {
        assertEquals(2, run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "nobody", "--to", "10.1.1.1:80").code());
        assertEquals(2, run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "client", "--to", "10.1.1.1").code());
        assertEquals(2, run(new TraceCommand(), scenario("seed000-fullnat"), "--from", "client", "--to", "10.1.1.1:80", "--proto", "sctp").code());
        assertEquals(2, run(new TraceCommand(), scenario("nope"), "--from", "client", "--to", "10.1.1.1:80").code());
        Run missing = run(new TraceCommand(), scenario("seed000-fullnat"), "--to", "10.1.1.1:80");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--from"), missing.err());
    }

    @Test
    void explainHooks() {
        Run r = run(new ExplainCommand(), "--hooks", "director", scenario("seed000-fullnat"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ip_vs_in_hook"), r.out());
        Run rs = run(new ExplainCommand(), "--hooks", "rs1", scenario("seed000-fullnat"));
        assertFalse(rs.out().contains("ip_vs_in_hook"), rs.out());
        assertTrue(rs.out().contains("no IPVS ops"), rs.out());
        assertEquals(2, run(new ExplainCommand(), "--hooks", "ghost", scenario("seed000-fullnat")).code());
    }

    @Test
    void explainAFlowWithHtml(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("flow.html");
        Run r = run(new ExplainCommand(), scenario("modes-dr"), "--flow", "second", "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("flow second: ESTABLISHED"), r.out());
        String page = Files.readString(html);
        assertTrue(page.contains("data-lane=\"rs1\""), "rr sends the second flow to rs1");
        assertEquals(2, run(new ExplainCommand(), scenario("modes-dr"), "--flow", "third").code());
    }

    @Test
    void explainModes(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("modes.html");
        Run r = run(new ExplainCommand(), "modes", "--dir", scenarios().toString(), "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DR (gatewaying, -g)"), r.out());
        assertTrue(Files.readString(html).contains("<table class=\"modes\">"));
        assertEquals(2, run(new ExplainCommand(), "modes", "--dir", tmp.toString()).code());
    }
}
