package io.fnlab.sim.explain;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * NAT, DR, TUN and fullnat side by side on the one topology of scenarios/modes-*.yaml: for each
 * mode the first request and its reply hook by hook on the director and on the real server,
 * what each rewrite did to the tuple, what the real server sees, and what the mode requires.
 * The paths and rewrites come from simulating the scenarios; only the requirements are written
 * here (they are what the scenarios' configs had to contain for the paths to work).
 */
public final class ModeComparison {
    /** The four modes: the scenario file, a title, and what the mode requires of the hosts. */
    public enum Mode {
        NAT("modes-nat.yaml", "NAT (masq, -m)", List.of(
                "replies must come back through the director: the real servers' route to the client goes via it",
                "director: net.ipv4.ip_forward=1 (replies are forwarded; ip_vs_out_hook at FORWARD 100 restores the VIP)",
                "real server port may differ from the service port",
                "no iptables rule, no vs/conntrack")),
        DR("modes-dr.yaml", "DR (gatewaying, -g)", List.of(
                "real servers on a segment shared with the director (IPVS only changes the destination MAC)",
                "VIP on each real server (lo, /32) so it accepts the packet",
                "arp_ignore=1 and arp_announce=2 on the real servers: only the director answers ARP for the VIP",
                "real server port = service port (no rewrite of the port)",
                "replies go straight to the client: the real servers' gateway must not be the director")),
        TUN("modes-tun.yaml", "TUN (IPIP, -i)", List.of(
                "real servers only need to be routable from the director (no shared segment)",
                "IPIP decapsulation on the real servers (ipip module, tunl0 up) and the VIP on them",
                "rp_filter off on tunl0 (the inner source, the client, is not reachable through tunl0)",
                "arp_ignore/arp_announce as in DR; real server port = service port",
                "20 bytes of IPIP header: path MTU",
                "replies go straight to the client, not through the director")),
        FULLNAT("modes-fullnat.yaml", "fullnat (masq + MASQUERADE)", List.of(
                "director: net.ipv4.vs.conntrack=1, so that nf_nat sees the IPVS-forwarded packet",
                "director: a nat POSTROUTING MASQUERADE/SNAT for the IPVS traffic (here -m ipvs --vaddr; kube-proxy uses a mark set in nat PREROUTING)",
                "director: net.ipv4.ip_forward=1 (the de-SNATed reply is forwarded to the client)",
                "real servers need only a route to the director's address: any gateway works",
                "the real servers never see the client's address"));

        public final String file;
        public final String title;
        public final List<String> requirements;

        Mode(String file, String title, List<String> requirements) {
            this.file = file;
            this.title = title;
            this.requirements = requirements;
        }
    }

    /** One mode, simulated. request and reply are the walks of the first request and the first reply, by host. */
    public record Column(Mode mode, Scenario scenario, FlowResult result, String director, String realServer,
                         List<String> request, List<String> reply, List<String> rewrites, String serverSees) {}

    private ModeComparison() {}

    /** Where the modes-*.yaml files are: the scenarios directory under home. */
    public static Path scenariosDir(Path home) {
        Path d = home.resolve("scenarios");
        return Files.isDirectory(d) ? d : home;
    }

    public static List<Column> run(Path scenariosDir) {
        List<Column> cols = new ArrayList<>();
        for (Mode m : Mode.values()) cols.add(column(m, ScenarioReader.read(scenariosDir.resolve(m.file))));
        return cols;
    }

    public static Column column(Mode m, Scenario s) {
        FlowResult r = Flows.runScenarioFlow(s, null);
        String director = null;
        for (Host h : s.hosts()) if ("director".equals(h.role())) director = h.name();
        String rs = r.servedByHost();
        List<Trace> ts = r.traces();
        List<String> request = ts.isEmpty() ? List.of("no packet was sent") : walk(ts.get(0), director, rs);
        List<String> reply = ts.size() < 2 ? List.of("no reply") : walk(ts.get(1), rs, director);
        List<String> rewrites = new ArrayList<>();
        for (int i = 0; i < Math.min(2, ts.size()); i++)
            for (Hop h : ts.get(i).hops())
                for (Step st : h.steps())
                    if (st instanceof Step.Rewrite x)
                        rewrites.add((i == 0 ? "request" : "reply") + " on " + h.host() + ": " + x.by() + " " + x.kind() + " "
                                + FlowWalk.change(x));
        if (rewrites.isEmpty()) rewrites.add("none: no address or port is rewritten");
        String sees = r.serverView() == null ? "nothing (not served: " + r.outcome() + ")" : r.serverView().toString();
        return new Column(m, s, r, director, rs, request, reply, rewrites, sees);
    }

    /** The packet's walk on the two hosts that matter, in the order it visited them; compact. */
    static List<String> walk(Trace t, String first, String second) {
        List<String> l = new ArrayList<>();
        boolean sawFirst = false, sawSecond = false;
        for (Hop h : t.hops()) {
            if (!h.host().equals(first) && !h.host().equals(second)) continue;
            if (h.host().equals(first)) sawFirst = true;
            if (h.host().equals(second)) sawSecond = true;
            l.add("on " + h.host() + ":");
            l.addAll(compact(h));
        }
        if (first != null && !sawFirst) l.add("never passes " + first);
        if (second != null && !sawSecond) l.add("never passes " + second);
        l.add("=> " + t.disposition());
        return l;
    }

    /**
     * A hop with only what changes the packet's fate: hooks whose function did something beyond
     * conntrack bookkeeping (rules, rewrites, IPVS), each with what it did, and the transmit or delivery.
     */
    static List<String> compact(Hop h) {
        List<String> l = new ArrayList<>();
        String pendingHook = null;
        boolean stolen = false, reinjected = false;
        for (Step s : h.steps()) {
            if (s instanceof Step.Received x) l.add(" in " + (x.dev() == null ? "socket" : x.dev()) + ": " + x.packet());
            else if (s instanceof Step.HookRan x) {
                if (stolen && !reinjected && x.hook().equals("OUTPUT")) {
                    l.add(" (re-injected at OUTPUT by ip_vs xmit)");
                    reinjected = true;
                }
                if (x.owner().equals("ip_vs") && x.verdict().equals("STOLEN")) stolen = true;
                pendingHook = " " + x.hook() + " " + x.priority() + " " + x.function() + " -> " + x.verdict();
                if (!x.verdict().equals("ACCEPT")) {
                    l.add(pendingHook);
                    pendingHook = null;
                }
            } else if (s instanceof Step.RuleMatched || s instanceof Step.Rewrite || s instanceof Step.IpvsSchedule
                    || s instanceof Step.Dropped || s instanceof Step.PolicyApplied && !((Step.PolicyApplied) s).policy().equals("ACCEPT")) {
                if (pendingHook != null) {
                    l.add(pendingHook);
                    pendingHook = null;
                }
                l.add("   " + detail(s));
            } else if (s instanceof Step.Transmitted x) l.add(" out " + x.dev() + ": " + x.packet());
            else if (s instanceof Step.Delivered x) l.add(" deliver: " + x.detail());
        }
        return l;
    }

    private static String detail(Step s) {
        if (s instanceof Step.RuleMatched x) return x.chain() + " #" + x.index() + " -> " + x.effect();
        if (s instanceof Step.Rewrite x) return x.by() + " " + x.kind() + ": " + FlowWalk.change(x);
        if (s instanceof Step.IpvsSchedule x)
            return "ipvs " + x.scheduler() + " -> " + (x.server() == null ? "none" : x.server() + " " + x.method());
        return FlowWalk.line(s);
    }

    // ---- text ----

    private static final int COL_W = 46;

    public static String text(List<Column> cols) {
        StringBuilder b = new StringBuilder();
        b.append("IPVS forwarding modes on one topology (client -> VIP 172.16.0.100:80 on the director -> real servers)\n\n");
        row(b, cols, "mode", c -> List.of(c.mode().title + " [" + c.scenario().name() + "]", "outcome: " + c.result().outcome()
                + (c.realServer() == null ? "" : ", served by " + c.realServer())));
        row(b, cols, "request (first packet)", Column::request);
        row(b, cols, "reply (first answer)", Column::reply);
        row(b, cols, "rewrites", Column::rewrites);
        row(b, cols, "real server sees", c -> List.of(c.serverSees()));
        row(b, cols, "requirements", c -> c.mode().requirements.stream().map(x -> "- " + x).toList());
        return b.toString();
    }

    private static void row(StringBuilder b, List<Column> cols, String heading, java.util.function.Function<Column, List<String>> f) {
        b.append("== ").append(heading).append(' ').append("=".repeat(Math.max(3, cols.size() * (COL_W + 3) - heading.length() - 4))).append('\n');
        List<List<String>> cells = new ArrayList<>();
        int height = 0;
        for (Column c : cols) {
            List<String> wrapped = new ArrayList<>();
            for (String line : f.apply(c)) wrapped.addAll(wrap(line, COL_W));
            cells.add(wrapped);
            height = Math.max(height, wrapped.size());
        }
        for (int i = 0; i < height; i++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cells.size(); c++) {
                String cell = i < cells.get(c).size() ? cells.get(c).get(i) : "";
                line.append(String.format("%-" + COL_W + "s", cell));
                if (c + 1 < cells.size()) line.append(" | ");
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        b.append('\n');
    }

    /** Breaks a line into pieces of at most w characters, at spaces where possible; continuations are indented. */
    static List<String> wrap(String s, int w) {
        List<String> out = new ArrayList<>();
        String indent = s.startsWith(" ") ? s.substring(0, s.length() - s.stripLeading().length()) + "  " : "  ";
        String rest = s;
        boolean first = true;
        while (rest.length() > w) {
            int lead = rest.length() - rest.stripLeading().length();
            int cut = rest.lastIndexOf(' ', w);
            if (cut <= lead) cut = w; // one word longer than the column: cut it
            out.add(rest.substring(0, cut).stripTrailing());
            rest = indent + rest.substring(cut).stripLeading();
            first = false;
        }
        if (first || !rest.isBlank()) out.add(rest);
        return out;
    }

    // ---- HTML ----

    public static String html(List<Column> cols) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>IPVS forwarding modes side by side</h1>\n<p>The same client, director and real servers "
                + "(scenarios/modes-*.yaml); each column is simulated: the first request and its reply, hook by hook on the "
                + "director and the real server.</p>\n");
        body.append("<table class=\"modes\">\n<tr><th></th>");
        for (Column c : cols)
            body.append("<th data-mode=\"").append(c.mode().name().toLowerCase()).append("\">").append(Html.esc(c.mode().title))
                    .append("<br><small>").append(Html.esc(c.scenario().name() + ": " + c.result().outcome())).append("</small></th>");
        body.append("</tr>\n");
        htmlRow(body, cols, "request (first packet)", Column::request);
        htmlRow(body, cols, "reply (first answer)", Column::reply);
        htmlRow(body, cols, "rewrites", Column::rewrites);
        htmlRow(body, cols, "real server sees", c -> List.of(c.serverSees()));
        htmlRow(body, cols, "requirements", c -> c.mode().requirements.stream().map(x -> "- " + x).toList());
        body.append("</table>\n");
        for (Column c : cols) {
            body.append("<h2>").append(Html.esc(c.mode().title)).append("</h2>\n");
            if (c.scenario().teaches() != null) body.append("<p>").append(Html.esc(c.scenario().teaches())).append("</p>\n");
            body.append(SequenceDiagram.of(c.result(), c.scenario()).svg());
        }
        return Html.page("fnlab: IPVS forwarding modes", body.toString());
    }

    private static void htmlRow(StringBuilder b, List<Column> cols, String heading, java.util.function.Function<Column, List<String>> f) {
        b.append("<tr><th>").append(Html.esc(heading)).append("</th>");
        for (Column c : cols) b.append("<td><div>").append(Html.esc(String.join("\n", f.apply(c)))).append("</div></td>");
        b.append("</tr>\n");
    }
}
