package io.fnlab.sim.explain;

import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A flow across hosts as a sequence diagram: one lane per host the flow's packets visit, one
 * arrow per packet hop (transmitted by one host, received by the next), labelled with the packet
 * as it was on the wire and the rewrites the sending host did to it. Renders as ASCII lanes and
 * as inline SVG; each SVG lane and arrow carries data-lane / data-hop attributes.
 */
public final class SequenceDiagram {
    /** A packet hop: from one host's transmit to the next host's receive. */
    public record Arrow(int hop, int packet, String from, String to, String fromDev, String toDev, String wire,
                        List<String> rewrites) {
        public Arrow {
            rewrites = List.copyOf(rewrites);
        }
    }

    /** How a packet's walk ended, drawn on the lane of the host where it ended. */
    public record End(int packet, String host, String disposition) {}

    private final String title;
    private final List<String> lanes;
    private final List<Arrow> arrows;
    private final List<Object> rows; // Arrow or End, in drawing order

    private SequenceDiagram(String title, List<String> lanes, List<Arrow> arrows, List<Object> rows) {
        this.title = title;
        this.lanes = List.copyOf(lanes);
        this.arrows = List.copyOf(arrows);
        this.rows = List.copyOf(rows);
    }

    /** The diagram of one connection; lanes in the scenario's host order (null: order of first visit). */
    public static SequenceDiagram of(FlowResult r, Scenario s) {
        Set<String> visited = new LinkedHashSet<>();
        for (Trace t : r.traces()) for (Hop h : t.hops()) visited.add(h.host());
        List<String> lanes = new ArrayList<>();
        if (s != null) for (Host h : s.hosts()) if (visited.contains(h.name())) lanes.add(h.name());
        for (String v : visited) if (!lanes.contains(v)) lanes.add(v);
        List<Arrow> arrows = new ArrayList<>();
        List<Object> rows = new ArrayList<>();
        int hop = 0, packet = 0;
        for (Trace t : r.traces()) {
            packet++;
            List<Hop> hops = t.hops();
            for (int i = 0; i + 1 < hops.size(); i++) {
                Hop a = hops.get(i), b = hops.get(i + 1);
                Step.Transmitted tx = null;
                List<String> rw = new ArrayList<>();
                for (Step st : a.steps()) {
                    if (st instanceof Step.Transmitted x) tx = x;
                    if (st instanceof Step.Rewrite x) rw.add(x.by() + " " + x.kind() + ": " + FlowWalk.change(x));
                    if (st instanceof Step.IpvsSchedule x && x.server() != null)
                        rw.add("ipvs " + x.scheduler() + " picked " + x.server() + " (" + x.method() + ")");
                }
                String toDev = null;
                for (Step st : b.steps()) if (st instanceof Step.Received x) { toDev = x.dev(); break; }
                Arrow arrow = new Arrow(++hop, packet, a.host(), b.host(), tx == null ? null : tx.dev(), toDev,
                        tx == null ? b.packet() : tx.packet(), rw);
                arrows.add(arrow);
                rows.add(arrow);
            }
            String last = hops.isEmpty() ? null : hops.get(hops.size() - 1).host();
            if (last != null) rows.add(new End(packet, last, t.disposition()));
        }
        String title = "flow " + r.connection() + ": " + r.outcome();
        return new SequenceDiagram(title, lanes, arrows, rows);
    }

    public List<String> lanes() {
        return lanes;
    }

    public List<Arrow> arrows() {
        return arrows;
    }

    public String title() {
        return title;
    }

    // ---- text ----

    private static final int LANE_W = 24;

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < lanes.size(); i++) {
            String n = lanes.get(i);
            put(head, center(i) - n.length() / 2, n);
        }
        b.append(head.toString().stripTrailing()).append('\n');
        b.append(bars()).append('\n');
        for (Object row : rows) {
            if (row instanceof Arrow a) {
                int x1 = center(lanes.indexOf(a.from())), x2 = center(lanes.indexOf(a.to()));
                int lo = Math.min(x1, x2), hi = Math.max(x1, x2);
                b.append(put(bars(), lo + 2, "#" + a.hop() + " " + a.wire())).append('\n');
                StringBuilder line = bars();
                for (int x = lo + 1; x < hi; x++) line.setCharAt(x, '-');
                if (x2 > x1) line.setCharAt(hi - 1, '>');
                else line.setCharAt(lo + 1, '<');
                b.append(line).append('\n');
                for (String rw : a.rewrites()) b.append(put(bars(), lo + 2, "  " + a.from() + ": " + rw)).append('\n');
            } else if (row instanceof End e) {
                b.append(put(bars(), center(lanes.indexOf(e.host())), "* packet " + e.packet() + ": " + e.disposition())).append('\n');
            }
        }
        return b.toString();
    }

    private static int center(int lane) {
        return lane * LANE_W + LANE_W / 2;
    }

    /** A row with every lane's bar. */
    private StringBuilder bars() {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < lanes.size(); i++) put(l, center(i), "|");
        return l;
    }

    /** Writes s at column x over what is there (a long label runs over the next lanes' bars). */
    private static StringBuilder put(StringBuilder line, int x, String s) {
        while (line.length() < x + s.length()) line.append(' ');
        line.replace(x, x + s.length(), s);
        return line;
    }

    // ---- SVG / HTML ----

    private static final int SVG_LANE_W = 340, TOP = 50, ROW = 34, LINE = 14, END_ROW = 20, MARGIN = 20;

    /** The diagram as an inline SVG element (no scripts, no external references). */
    public String svg() {
        int height = TOP + 10;
        for (Object row : rows) height += row instanceof Arrow a ? ROW + LINE * a.rewrites().size() : END_ROW;
        height += 10;
        int width = MARGIN * 2 + lanes.size() * SVG_LANE_W;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
        b.append("<defs><marker id=\"arrowhead\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
                + "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker></defs>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"#fff\"/>\n");
        for (int i = 0; i < lanes.size(); i++) {
            int x = svgX(i);
            String h = Html.esc(lanes.get(i));
            b.append("<g class=\"lane\" data-lane=\"").append(h).append("\">")
                    .append("<rect x=\"").append(x - 60).append("\" y=\"8\" width=\"120\" height=\"26\" rx=\"4\" fill=\"#e8eef8\" stroke=\"#4a6fa5\"/>")
                    .append("<text x=\"").append(x).append("\" y=\"26\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                    .append(h).append("</text>")
                    .append("<line x1=\"").append(x).append("\" y1=\"34\" x2=\"").append(x).append("\" y2=\"").append(height - 5)
                    .append("\" stroke=\"#4a6fa5\" stroke-dasharray=\"4 3\"/></g>\n");
        }
        int y = TOP;
        for (Object row : rows) {
            if (row instanceof Arrow a) {
                int x1 = svgX(lanes.indexOf(a.from())), x2 = svgX(lanes.indexOf(a.to()));
                int lo = Math.min(x1, x2);
                int ly = y + 18;
                boolean reply = x2 < x1;
                String colour = reply ? "#a5521b" : "#1b6e3a";
                b.append("<g class=\"hop\" data-hop=\"").append(a.hop()).append("\" data-packet=\"").append(a.packet())
                        .append("\" data-from=\"").append(Html.esc(a.from())).append("\" data-to=\"").append(Html.esc(a.to())).append("\">");
                b.append("<text x=\"").append(lo + 6).append("\" y=\"").append(ly - 5).append("\" font-size=\"11\" fill=\"")
                        .append(colour).append("\">").append(Html.esc("#" + a.hop() + " " + a.wire())).append("</text>");
                b.append("<line x1=\"").append(x1).append("\" y1=\"").append(ly).append("\" x2=\"").append(x2 + (reply ? 1 : -1))
                        .append("\" y2=\"").append(ly).append("\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"1.5\" marker-end=\"url(#arrowhead)\"/>");
                int ry = ly + LINE;
                for (String rw : a.rewrites()) {
                    b.append("<text class=\"rewrite\" x=\"").append(lo + 6).append("\" y=\"").append(ry - 2)
                            .append("\" font-size=\"10\" fill=\"#7a1f7a\">").append(Html.esc(a.from() + ": " + rw)).append("</text>");
                    ry += LINE;
                }
                b.append("</g>\n");
                y += ROW + LINE * a.rewrites().size();
            } else if (row instanceof End e) {
                int lane = lanes.indexOf(e.host());
                int x = svgX(lane);
                boolean last = lane == lanes.size() - 1; // the rightmost lane writes to its left, inside the picture
                b.append("<text class=\"end\" data-packet=\"").append(e.packet()).append("\" x=\"").append(last ? x - 6 : x + 6)
                        .append("\" y=\"").append(y + 12).append("\" font-size=\"10\" fill=\"#555\"")
                        .append(last ? " text-anchor=\"end\">" : ">")
                        .append(Html.esc("packet " + e.packet() + ": " + e.disposition())).append("</text>\n");
                y += END_ROW;
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static int svgX(int lane) {
        return MARGIN + lane * SVG_LANE_W + SVG_LANE_W / 2;
    }

    /** A self-contained HTML page: the diagram, then the flow's walk hook by hook. */
    public static String html(FlowResult r, Scenario s) {
        SequenceDiagram d = of(r, s);
        StringBuilder body = new StringBuilder();
        body.append("<h1>").append(Html.esc((s == null ? "" : s.name() + ": ") + d.title())).append("</h1>\n");
        if (s != null && s.teaches() != null) body.append("<p>").append(Html.esc(s.teaches())).append("</p>\n");
        body.append("<p>").append(d.lanes().size()).append(" hosts, ").append(d.arrows().size())
                .append(" packet hops. Green: towards the right; brown: towards the left. Purple: rewrites the sending host made.</p>\n");
        body.append(d.svg());
        body.append("<h2>Hook by hook</h2>\n<pre>").append(Html.esc(FlowWalk.render(r))).append("</pre>\n");
        return Html.page((s == null ? "fnlab" : s.name()) + " - flow " + r.connection(), body.toString());
    }
}
