package io.fnlab.sim.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a VerifyReport as text for people, JSON for tools, JUnit XML for CI systems. */
public final class ReportWriter {
    private ReportWriter() {}

    public static String text(VerifyReport r) {
        StringBuilder b = new StringBuilder();
        b.append("scenario ").append(r.scenario()).append(r.path() == null ? "" : " (" + r.path() + ")").append('\n');
        if (!r.flows().isEmpty()) {
            b.append("\nflows:\n");
            for (var f : r.flows()) {
                b.append(f.holds() ? "  ok    " : "  FAIL  ").append(f.id()).append(": ").append(f.from()).append(" -> ")
                        .append(f.to()).append(": ").append(f.outcome());
                if (f.expected() != null && !f.expected().equals(f.outcome())) b.append(" (expected ").append(f.expected()).append(')');
                if (f.servedBy() != null) b.append(", served by ").append(f.servedBy());
                if (f.serverSaw() != null) b.append(", server saw ").append(f.serverSaw());
                b.append('\n');
            }
        }
        if (!r.findings().isEmpty()) b.append("\nfindings:\n");
        for (Finding f : r.findings()) {
            b.append("  ").append(f.severity()).append(" [").append(f.check()).append("] ")
                    .append(f.host() == null ? "" : f.host() + ": ").append(f.verdict()).append('\n');
            b.append("    why: ").append(f.cause()).append('\n');
            for (Evidence e : f.evidence()) {
                if (e instanceof Evidence.Config c) {
                    b.append("    at ").append(where(c.source())).append(c.text()).append('\n');
                } else if (e instanceof Evidence.PacketTrace t) {
                    b.append("    trace of ").append(t.trace().flow()).append(": ").append(t.trace().disposition()).append('\n');
                }
            }
            b.append("    fix: ").append(f.fix()).append('\n');
        }
        if (!r.allPackets().isEmpty()) b.append("\nall-packets:\n");
        for (var a : r.allPackets()) {
            b.append("  ").append(a.host()).append(": ").append(a.classes()).append(" classes in ")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", a.seconds())).append(" s, ").append(a.failingClasses())
                    .append(" failing\n");
            for (String n : a.notes()) b.append("    not verified: ").append(n).append('\n');
        }
        if (!r.notModelled().isEmpty()) {
            b.append("\nnot modelled (the result may differ on a real kernel):\n");
            for (String n : r.notModelled()) b.append("  - ").append(n).append('\n');
        }
        b.append('\n').append(r.holds() ? "verdict: holds" : "verdict: fails").append(" (").append(r.count(Severity.ERROR))
                .append(" error(s), ").append(r.count(Severity.WARNING)).append(" warning(s), ").append(r.flows().size())
                .append(" flow(s), ").append(r.checksRun().size()).append(" check(s))\n");
        return b.toString();
    }

    private static String where(SourceRef s) {
        return s == null || s.line() == 0 ? "" : s + ": ";
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static String json(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", r.scenario());
        m.put("path", r.path());
        m.put("verdict", r.holds() ? "holds" : "fails");
        m.put("checks", r.checksRun());
        m.put("flows", r.flows());
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Finding f : r.findings()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("check", f.check());
            x.put("severity", f.severity().name());
            x.put("host", f.host());
            x.put("verdict", f.verdict());
            x.put("cause", f.cause());
            x.put("kind", f.kind());
            x.put("subject", f.subject());
            List<Map<String, Object>> ev = new ArrayList<>();
            for (Evidence e : f.evidence()) {
                Map<String, Object> y = new LinkedHashMap<>();
                if (e instanceof Evidence.Config c) {
                    y.put("type", "config");
                    y.put("host", c.host());
                    y.put("text", c.text());
                    if (c.source() != null && c.source().line() > 0) {
                        y.put("file", c.source().file());
                        y.put("line", c.source().line());
                    }
                } else if (e instanceof Evidence.PacketTrace t) {
                    y.put("type", "trace");
                    y.put("trace", t.trace());
                }
                ev.add(y);
            }
            x.put("evidence", ev);
            x.put("fix", f.fix());
            fs.add(x);
        }
        m.put("findings", fs);
        m.put("notModelled", r.notModelled());
        if (!r.allPackets().isEmpty()) m.put("allPackets", r.allPackets());
        try {
            return JSON.writeValueAsString(m) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }

    /**
     * JUnit XML as Ant/Surefire write it: one testsuite for the scenario, one testcase per check
     * (passing when it found nothing at ERROR level) and per flow; findings at ERROR level are
     * failures, warnings go to system-out.
     */
    public static String junit(VerifyReport r) {
        List<String> cases = new ArrayList<>();
        int failures = 0;
        // One classname for every case: report readers (Surefire's, Jenkins') group suites by it.
        String suite = x("fnlab." + r.scenario());
        for (String check : r.checksRun()) {
            List<Finding> mine = r.findings().stream().filter(f -> f.check().equals(check)).toList();
            List<Finding> errors = mine.stream().filter(f -> f.severity() == Severity.ERROR).toList();
            StringBuilder c = new StringBuilder();
            c.append("    <testcase classname=\"").append(suite).append("\" name=\"").append(x(check))
                    .append("\" time=\"0\">\n");
            if (!errors.isEmpty()) {
                failures++;
                StringBuilder body = new StringBuilder();
                for (Finding f : errors) body.append(findingText(f)).append('\n');
                c.append("      <failure message=\"").append(x(errors.get(0).verdict())).append("\" type=\"")
                        .append(x(check)).append("\">").append(x(body.toString())).append("</failure>\n");
            }
            List<Finding> rest = mine.stream().filter(f -> f.severity() != Severity.ERROR).toList();
            if (!rest.isEmpty()) {
                StringBuilder body = new StringBuilder();
                for (Finding f : rest) body.append(findingText(f)).append('\n');
                c.append("      <system-out>").append(x(body.toString())).append("</system-out>\n");
            }
            c.append("    </testcase>\n");
            cases.add(c.toString());
        }
        for (var f : r.flows()) {
            StringBuilder c = new StringBuilder();
            c.append("    <testcase classname=\"").append(suite).append("\" name=\"flow ").append(x(f.id())).append("\" time=\"0\">\n");
            if (!f.holds()) {
                failures++;
                c.append("      <failure message=\"").append(x(f.id() + ": " + f.outcome() + ", expected " + f.expected()))
                        .append("\" type=\"flow\">").append(x(f.from() + " -> " + f.to() + ": " + f.outcome())).append("</failure>\n");
            }
            c.append("    </testcase>\n");
            cases.add(c.toString());
        }
        // verify --all-packets: one case per director, its findings are those of check all-packets on that host
        for (var a : r.allPackets()) {
            List<Finding> mine = r.findings().stream().filter(f -> f.check().equals("all-packets") && a.host().equals(f.host())).toList();
            StringBuilder c = new StringBuilder();
            c.append("    <testcase classname=\"").append(suite).append("\" name=\"all-packets ").append(x(a.host()))
                    .append("\" time=\"").append(String.format(java.util.Locale.ROOT, "%.3f", a.seconds())).append("\">\n");
            List<Finding> errors = mine.stream().filter(f -> f.severity() == Severity.ERROR).toList();
            if (!errors.isEmpty()) {
                failures++;
                StringBuilder body = new StringBuilder();
                for (Finding f : errors) body.append(findingText(f)).append('\n');
                c.append("      <failure message=\"").append(x(a.failingClasses() + " of " + a.classes() + " classes fail"))
                        .append("\" type=\"all-packets\">").append(x(body.toString())).append("</failure>\n");
            }
            StringBuilder out = new StringBuilder(a.classes() + " classes, " + a.failingClasses() + " failing\n");
            for (Finding f : mine) if (f.severity() != Severity.ERROR) out.append(findingText(f)).append('\n');
            for (String n : a.notes()) out.append("not verified: ").append(n).append('\n');
            c.append("      <system-out>").append(x(out.toString())).append("</system-out>\n");
            c.append("    </testcase>\n");
            cases.add(c.toString());
        }
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuite name=\"").append(suite).append("\" tests=\"").append(cases.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"0\" time=\"0\">\n");
        cases.forEach(b::append);
        b.append("</testsuite>\n");
        return b.toString();
    }

    private static String findingText(Finding f) {
        StringBuilder b = new StringBuilder();
        b.append(f.severity()).append(' ').append(f.host() == null ? "" : f.host() + ": ").append(f.verdict()).append('\n');
        b.append("why: ").append(f.cause()).append('\n');
        for (Evidence e : f.evidence()) {
            if (e instanceof Evidence.Config c) b.append("at ").append(where(c.source())).append(c.text()).append('\n');
        }
        b.append("fix: ").append(f.fix());
        return b.toString();
    }

    /** XML-escapes text, dropping characters XML 1.0 cannot hold. */
    static String x(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c != 0xFFFE && c != 0xFFFF) b.append(c);
                }
            }
        }
        return b.toString();
    }
}
