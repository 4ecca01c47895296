package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The `ipvsadm -Ln` listing, byte for byte as ipvsadm 1.31 prints it (print_title,
 * print_service_entry): the version header, "%-4s %s" service names cut at 33 characters,
 * "  -> %-28s %-7s %-6d %-10u %-10u" server lines (with their trailing spaces). Connection
 * counters are runtime state: written as 0, read and dropped. Sorted like ipvsadm unless nosort
 * (`ipvsadm -Ln --nosort` shows the kernel's order).
 */
public final class IpvsadmList {
    private IpvsadmList() {}

    public static final String HEADER = "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    public static String write(IpvsConfig cfg) {
        return write(cfg, false);
    }

    public static String write(IpvsConfig cfg, boolean nosort) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (VirtualService v : IpvsadmSave.ordered(cfg.services(), nosort)) {
            ServiceKey k = v.key();
            String name = k.isFwmark() ? "FWM  " + k.fwmark()
                    : pad(k.protocol().name().toUpperCase(java.util.Locale.ROOT), 4) + " " + k.address() + ":" + k.port();
            if (name.length() > 33) name = name.substring(0, 33);
            sb.append(name).append(' ').append(v.scheduler());
            String f = IpvsadmSave.flags(v);
            if (!f.isEmpty()) sb.append(" (").append(f).append(')');
            if (v.persistence() != null) {
                sb.append(" persistent ").append(v.persistence());
                if (!v.netmask().equals(VirtualService.DEFAULT_NETMASK)) sb.append(" mask ").append(v.netmask());
            }
            sb.append('\n');
            for (RealServer r : IpvsadmSave.servers(v, nosort)) {
                String d = r.address() + ":" + r.port();
                sb.append("  -> ").append(pad(d.length() > 28 ? d.substring(0, 28) : d, 28)).append(' ')
                        .append(pad(r.method().listing(), 7)).append(' ').append(pad(Integer.toString(r.weight()), 6))
                        .append(' ').append(pad("0", 10)).append(' ').append(pad("0", 10)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int w) {
        if (s.length() >= w) return s;
        return s + " ".repeat(w - s.length());
    }

    private static final Pattern SERVICE = Pattern.compile(
            "(TCP |UDP |SCTP) (\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+) (\\S+)( \\(([a-z0-9,-]+)\\))?( persistent (\\d+)( mask (\\S+))?)?");
    private static final Pattern FWM = Pattern.compile(
            "FWM  (\\d+) (\\S+)( \\(([a-z0-9,-]+)\\))?( persistent (\\d+)( mask (\\S+))?)?");
    private static final Pattern DEST = Pattern.compile(
            "  -> (\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+) +(\\S+) +(\\d+) +(\\d+) +(\\d+) *");

    /** Reads a listing (servers in the order shown). */
    public static IpvsConfig read(String text, String file) {
        String[] lines = text.split("\n", -1);
        String[] head = HEADER.split("\n");
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--;
        if (n < 3) throw new ParseError(SourceRef.of(file, Math.max(1, n)), "expected the ipvsadm -Ln header (3 lines)");
        if (!lines[0].matches("IP Virtual Server version \\d+\\.\\d+\\.\\d+ \\(size=\\d+\\)"))
            throw new ParseError(SourceRef.of(file, 1), "expected 'IP Virtual Server version X.Y.Z (size=N)'");
        for (int i = 1; i < 3; i++)
            if (!lines[i].equals(head[i])) throw new ParseError(SourceRef.of(file, i + 1), "expected '" + head[i] + "'");
        List<VirtualService> services = new ArrayList<>();
        VirtualService cur = null;
        List<RealServer> servers = new ArrayList<>();
        Set<ServiceKey> seen = new java.util.HashSet<>();
        for (int i = 3; i < n; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            String l = lines[i];
            Matcher m;
            if ((m = DEST.matcher(l)).matches()) {
                if (cur == null) throw new ParseError(where, "a server line before any service line");
                Ipv4 a = addr(m.group(1), where.atColumn(6));
                int port = num(m.group(2), 65535, where);
                ForwardMethod fm = switch (m.group(3)) {
                    case "Masq" -> ForwardMethod.MASQ;
                    case "Route" -> ForwardMethod.GATE;
                    case "Tunnel" -> ForwardMethod.IPIP;
                    case "Local" -> throw new ParseError(where, "forward method Local (a server address local to the "
                            + "director) does not say which method was configured; fnlab cannot read it");
                    default -> throw new ParseError(where, "expected Masq, Route or Tunnel, got '" + m.group(3) + "'");
                };
                servers.add(new RealServer(a, port, fm, num(m.group(4), 65535, where), 0, 0));
                continue;
            }
            ServiceKey key;
            String sched, flags, pers, mask;
            if ((m = SERVICE.matcher(l)).matches()) {
                Protocol p = Protocol.parse(m.group(1).trim());
                key = new ServiceKey(p, addr(m.group(2), where.atColumn(6)), num(m.group(3), 65535, where), 0);
                sched = m.group(4);
                flags = m.group(6);
                pers = m.group(8);
                mask = m.group(10);
            } else if ((m = FWM.matcher(l)).matches()) {
                long mark = Long.parseLong(m.group(1).length() > 10 ? "0" : m.group(1));
                if (mark <= 0 || mark > 4294967295L) throw new ParseError(where.atColumn(6), "expected a fwmark 1-4294967295");
                key = ServiceKey.fwmark(mark);
                sched = m.group(2);
                flags = m.group(4);
                pers = m.group(6);
                mask = m.group(8);
            } else {
                throw new ParseError(where, "expected a service line ('TCP  VIP:PORT SCHED ...', 'FWM  MARK SCHED') or "
                        + "a server line ('  -> RIP:PORT Forward Weight ActiveConn InActConn')");
            }
            if (cur != null) services.add(cur.withServers(servers));
            servers = new ArrayList<>();
            if (!seen.add(key)) throw new ParseError(where, "service " + key + " listed twice");
            if (!IpvsState.SCHEDULERS.contains(sched)) throw new ParseError(where, "unknown scheduler '" + sched + "'");
            Set<String> fl = new LinkedHashSet<>();
            if (flags != null) {
                try {
                    fl = IpvsadmCommand.schedFlags(sched, flags);
                } catch (IpvsFailure e) {
                    throw new ParseError(where, e.getMessage());
                }
            }
            Integer persistence = pers == null ? null : num(pers, 86400 * 31, where);
            Ipv4 netmask = mask == null ? null : addr(mask, where);
            cur = new VirtualService(key, sched, fl, persistence, netmask, List.of());
        }
        if (cur != null) services.add(cur.withServers(servers));
        return new IpvsConfig(services, IpvsConfig.Timeouts.DEFAULT, List.of());
    }

    private static Ipv4 addr(String s, SourceRef where) {
        try {
            return Ipv4.parse(s);
        } catch (IllegalArgumentException e) {
            throw new ParseError(where, "expected an IPv4 address, got '" + s + "'");
        }
    }

    private static int num(String s, int max, SourceRef where) {
        if (s.length() > 10 || Long.parseLong(s) > max) throw new ParseError(where, "expected a number 0-" + max + ", got '" + s + "'");
        return Integer.parseInt(s);
    }
}
