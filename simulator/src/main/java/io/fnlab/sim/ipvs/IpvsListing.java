package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.net.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What ipvsadm prints for the simulated state: `ipvsadm -Ln` (ipvsadm.c print_title /
 * print_service_entry with live ActiveConn/InActConn), `ipvsadm -Lnc` (list_conn over
 * /proc/net/ip_vs_conn) and `ipvsadm -Ln --stats`, following ipvsadm.c and libipvs (ipvsadm 1.31):
 * services and real servers are sorted unless --nosort.
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

    /** print_sched_flags: sh-fallback/sh-port, mh-fallback/mh-port, flag-N for the others, comma separated. */
    static String schedFlags(IpvsService s) {
        String sch = s.config().scheduler();
        List<String> out = new ArrayList<>();
        String[] names = switch (sch) {
            case "sh" -> new String[] {"sh-fallback", "sh-port"};
            case "mh" -> new String[] {"mh-fallback", "mh-port"};
            default -> new String[] {"flag-1", "flag-2", "flag-3"};
        };
        for (String n : names) if (s.schedFlags.contains(n)) out.add(n);
        return out.isEmpty() ? "" : " (" + String.join(",", out) + ")";
    }

    /** svc_name of print_service_entry: "FWM  %u" or "%-4s %s" cut at 33 characters. */
    static String svcName(IpvsService s) {
        ServiceKey k = s.key;
        if (k.isFwmark()) return "FWM  " + Integer.toUnsignedString((int) k.fwmark());
        String n = String.format(Locale.ROOT, "%-4s %s:%d", protoName(k), k.address(), k.port());
        return n.length() > 33 ? n.substring(0, 33) : n;
    }

    /** The service line without the newline ("TCP  10.0.0.1:80 rr", "FWM  1 wlc persistent 300"). */
    static String serviceLine(IpvsService s) {
        StringBuilder b = new StringBuilder(svcName(s)).append(' ').append(s.config().scheduler());
        b.append(schedFlags(s));
        if (s.persistent()) {
            b.append(" persistent ").append(s.persistTimeout);
            if (s.netmask != -1) b.append(" mask ").append(new Ipv4(s.netmask));
        }
        if (s.schedFlags.contains("ops")) b.append(" ops");
        return b.toString();
    }

    /**
     * libipvs ipvs_cmp_services: fwmark, protocol, address, port, each as a C int difference (so a
     * u32 address difference wraps exactly as in the C code).
     */
    static int cmpServices(IpvsService a, IpvsService b) {
        int fa = a.key.isFwmark() ? (int) a.key.fwmark() : 0, fb = b.key.isFwmark() ? (int) b.key.fwmark() : 0;
        int r = fa - fb;
        if (r != 0) return r;
        int pa = a.key.isFwmark() ? 0 : a.key.protocol().number(), pb = b.key.isFwmark() ? 0 : b.key.protocol().number();
        r = pa - pb;
        if (r != 0) return r;
        int aa = a.key.isFwmark() ? 0 : a.key.address().bits(), ab = b.key.isFwmark() ? 0 : b.key.address().bits();
        r = aa - ab;
        if (r != 0) return r;
        return a.key.port() - b.key.port();
    }

    /** libipvs ipvs_cmp_dests: address then port, as C int differences. */
    static int cmpDests(IpvsDest a, IpvsDest b) {
        int r = a.addr.bits() - b.addr.bits();
        if (r != 0) return r;
        return a.port - b.port;
    }

    /** An insertion sort: never throws on the wrapping (non-transitive) comparators above. */
    static <T> List<T> sorted(List<T> in, java.util.Comparator<T> c) {
        List<T> l = new ArrayList<>(in);
        for (int i = 1; i < l.size(); i++) {
            T x = l.get(i);
            int j = i - 1;
            while (j >= 0 && c.compare(l.get(j), x) > 0) {
                l.set(j + 1, l.get(j));
                j--;
            }
            l.set(j + 1, x);
        }
        return l;
    }

    /** `ipvsadm -Ln`: services and real servers sorted, as ipvsadm does unless --nosort. */
    public static String list(Ipvs ipvs) {
        return list(ipvs, false);
    }

    /** `ipvsadm -Ln` or, with nosort, `ipvsadm -Ln --nosort` (kernel order: the last added server first). */
    public static String list(Ipvs ipvs, boolean nosort) {
        ipvs.expire();
        StringBuilder b = new StringBuilder();
        b.append(VERSION_LINE).append('\n');
        b.append("Prot LocalAddress:Port Scheduler Flags\n");
        b.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        List<IpvsService> svcs = nosort ? ipvs.services : sorted(ipvs.services, IpvsListing::cmpServices);
        for (IpvsService s : svcs) {
            b.append(serviceLine(s)).append('\n');
            List<IpvsDest> dests = nosort ? s.dests : sorted(s.dests, IpvsListing::cmpDests);
            for (IpvsDest d : dests) {
                b.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d", d.endpoint(), d.method.listing(),
                        d.weight, d.activeConns, d.inactConns)).append('\n');
            }
        }
        return b.toString();
    }

    /** print_largenum without --exact: %9llu below 100 million, then K, M, G, T. */
    static String largenum(long i) {
        if (i < 100_000_000L) return String.format(Locale.ROOT, "%9d", i);
        if (i < 1_000_000_000L) return String.format(Locale.ROOT, "%8dK", i / 1000);
        if (i < 100_000_000_000L) return String.format(Locale.ROOT, "%8dM", i / 1_000_000);
        if (i < 100_000_000_000_000L) return String.format(Locale.ROOT, "%8dG", i / 1_000_000_000L);
        return String.format(Locale.ROOT, "%8dT", i / 1_000_000_000_000L);
    }

    /** `ipvsadm -Ln --stats`. */
    public static String stats(Ipvs ipvs) {
        ipvs.expire();
        StringBuilder b = new StringBuilder();
        b.append(VERSION_LINE).append('\n');
        b.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s", "Prot LocalAddress:Port", "Conns", "InPkts",
                "OutPkts", "InBytes", "OutBytes")).append('\n');
        b.append("  -> RemoteAddress:Port\n");
        for (IpvsService s : sorted(ipvs.services, IpvsListing::cmpServices)) {
            b.append(statsLine(String.format(Locale.ROOT, "%-33s", svcName(s)), s.stats));
            for (IpvsDest d : sorted(s.dests, IpvsListing::cmpDests))
                b.append(statsLine(String.format(Locale.ROOT, "  -> %-28s", d.endpoint()), d.stats));
        }
        return b.toString();
    }

    private static String statsLine(String name, IpvsStats st) {
        return name + largenum(st.conns) + largenum(st.inPkts) + largenum(st.outPkts) + largenum(st.inBytes)
                + largenum(st.outBytes) + "\n";
    }

    /**
     * `ipvsadm -Lnc` (print_conn over /proc/net/ip_vs_conn): one line per connection and template,
     * expire as mm:ss. The kernel lists in hash-table order (seeded at random); fnlab lists in
     * creation order.
     */
    public static String connections(Ipvs ipvs) {
        ipvs.expire();
        long now = ipvs.stack.now();
        StringBuilder b = new StringBuilder();
        b.append("IPVS connection entries\n");
        b.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s", "state", "source", "virtual", "destination"))
                .append('\n');
        for (IpvsConn c : ipvs.conns.all()) {
            long secs = Math.max(0, (c.expiresAt - now) / 1000);
            String proto = c.protocol == 6 ? "TCP" : c.protocol == 17 ? "UDP" : "IP";
            String state = c.isTemplate() ? ((c.state & Ipvs.CTPL_ASSURED) != 0 ? "ASSURED" : "NONE") : c.stateName();
            String expire = String.format(Locale.ROOT, "%02d:%02d", secs / 60, secs % 60);
            b.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s", proto, expire, state,
                    new Ipv4(c.caddr) + ":" + c.cport, new Ipv4(c.vaddr) + ":" + c.vport, new Ipv4(c.daddr) + ":" + c.dport))
                    .append('\n');
        }
        return b.toString();
    }
}
