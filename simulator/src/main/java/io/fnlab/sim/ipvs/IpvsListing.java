package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.net.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What ipvsadm prints for the simulated state: `ipvsadm -Ln` (ipvsadm.c print_title /
 * print_service_entry with live ActiveConn/InActConn), `ipvsadm -Lnc` (list_conn over
 * /proc/net/ip_vs_conn) and `ipvsadm -Ln --stats`.
 */
public final class IpvsListing {
    /** IP_VS_VERSION_CODE 1.2.1 and the default connection table size (CONFIG_IP_VS_TAB_BITS 12). */
    public static final String VERSION_LINE = "IP Virtual Server version 1.2.1 (size=4096)";

    private IpvsListing() {}

    static String protoName(ServiceKey k) {
        return switch (k.protocol().number()) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> "IP";
        };
    }

    /** print_sched_flags: SCHED1..3 names of sh and mh, "flag-N" for the others. */
    static String schedFlags(IpvsService s) {
        String sch = s.config().scheduler();
        List<String> out = new ArrayList<>();
        String[] names = switch (sch) {
            case "sh" -> new String[] {"sh-fallback", "sh-port", "flag-3"};
            case "mh" -> new String[] {"mh-fallback", "mh-port", "flag-3"};
            default -> new String[] {"flag-1", "flag-2", "flag-3"};
        };
        for (String n : names) if (s.schedFlags.contains(n)) out.add(n);
        return out.isEmpty() ? "" : " (" + String.join(",", out) + ")";
    }

    /** The service line without the newline ("TCP  10.0.0.1:80 rr", "FWM  1 wlc persistent 300"). */
    static String serviceLine(IpvsService s) {
        StringBuilder b = new StringBuilder();
        ServiceKey k = s.key;
        if (k.isFwmark()) b.append("FWM  ").append(k.fwmark()).append(' ').append(s.config().scheduler());
        else b.append(protoName(k)).append("  ").append(k.address()).append(':').append(k.port()).append(' ').append(s.config().scheduler());
        b.append(schedFlags(s));
        if (s.persistent()) {
            b.append(" persistent ").append(s.persistTimeout);
            if (s.netmask != -1) b.append(" mask ").append(new Ipv4(s.netmask));
        }
        if (s.schedFlags.contains("ops")) b.append(" ops");
        return b.toString();
    }

    /** `ipvsadm -Ln`. */
    public static String list(Ipvs ipvs) {
        ipvs.expire();
        StringBuilder b = new StringBuilder();
        b.append(VERSION_LINE).append('\n');
        b.append("Prot LocalAddress:Port Scheduler Flags\n");
        b.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        for (IpvsService s : ipvs.services) {
            b.append(serviceLine(s)).append('\n');
            for (IpvsDest d : s.dests) {
                b.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d%n", d.endpoint(), d.method.listing(),
                        d.weight, d.activeConns, d.inactConns).replace(System.lineSeparator(), "\n"));
            }
        }
        return b.toString();
    }

    /** `ipvsadm -Ln --stats`. */
    public static String stats(Ipvs ipvs) {
        ipvs.expire();
        StringBuilder b = new StringBuilder();
        b.append(VERSION_LINE).append('\n');
        b.append("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n");
        b.append("  -> RemoteAddress:Port\n");
        for (IpvsService s : ipvs.services) {
            String name = s.key.isFwmark() ? "FWM  " + s.key.fwmark() : protoName(s.key) + "  " + s.key.address() + ":" + s.key.port();
            b.append(statsLine(name, s.stats));
            for (IpvsDest d : s.dests) b.append(statsLine("  -> " + d.endpoint(), d.stats));
        }
        return b.toString();
    }

    private static String statsLine(String name, IpvsStats st) {
        return String.format(Locale.ROOT, "%-33s %8d %8d %8d %8d %8d", name, st.conns, st.inPkts, st.outPkts, st.inBytes,
                st.outBytes) + "\n";
    }

    /** `ipvsadm -Lnc`: one line per connection and template, expire as mm:ss. */
    public static String connections(Ipvs ipvs) {
        ipvs.expire();
        long now = ipvs.stack.now();
        StringBuilder b = new StringBuilder();
        b.append("IPVS connection entries\n");
        b.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s%n", "state", "source", "virtual", "destination")
                .replace(System.lineSeparator(), "\n"));
        for (IpvsConn c : ipvs.conns.all()) {
            long secs = Math.max(0, (c.expiresAt - now) / 1000);
            String proto = c.protocol == 6 ? "TCP" : c.protocol == 17 ? "UDP" : "IP";
            String state = c.isTemplate() ? ((c.state & Ipvs.CTPL_ASSURED) != 0 ? "ASSURED" : "NONE") : c.stateName();
            b.append(String.format(Locale.ROOT, "%-3s %02d:%02d  %-11s %-18s %-18s %s%n", proto, secs / 60, secs % 60, state,
                    new Ipv4(c.caddr) + ":" + c.cport, new Ipv4(c.vaddr) + ":" + c.vport, new Ipv4(c.daddr) + ":" + c.dport)
                    .replace(System.lineSeparator(), "\n"));
        }
        return b.toString();
    }
}
