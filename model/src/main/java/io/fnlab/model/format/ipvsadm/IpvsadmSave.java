package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The `ipvsadm -Sn` format ("-A -t VIP:PORT -s rr [-p N [-M MASK]] [-b FLAGS]", then "-a -t
 * VIP:PORT -r RIP:PORT -g|-i|-m -w N" per server). Like ipvsadm, the writer sorts services and
 * servers (libipvs ipvs_cmp_services / ipvs_cmp_dests, with their unsigned-difference compare,
 * through glibc's merge sort) unless nosort; thresholds are not part of the format.
 *
 * <p>{@link #read} takes the file as a description: servers in the order listed.
 * {@link #restore} applies it the way `ipvsadm -R` does, where each -a puts the server at the
 * head of the kernel's list, so a restored listing comes out reversed.
 */
public final class IpvsadmSave {
    private IpvsadmSave() {}

    public static String write(IpvsConfig cfg) {
        return write(cfg, false);
    }

    public static String write(IpvsConfig cfg, boolean nosort) {
        StringBuilder sb = new StringBuilder();
        for (VirtualService v : ordered(cfg.services(), nosort)) {
            String svc = v.key().toArgs();
            sb.append("-A ").append(svc).append(" -s ").append(v.scheduler());
            if (v.persistence() != null) {
                sb.append(" -p ").append(v.persistence());
                if (!v.netmask().equals(VirtualService.DEFAULT_NETMASK)) sb.append(" -M ").append(v.netmask());
            }
            String f = flags(v);
            if (!f.isEmpty()) sb.append(" -b ").append(f);
            sb.append('\n');
            for (RealServer r : servers(v, nosort))
                sb.append("-a ").append(svc).append(" -r ").append(r.address()).append(':').append(r.port()).append(' ')
                        .append(r.method().flag()).append(" -w ").append(r.weight())
                        // ipvsadm 1.31 prints the tunnel type of tunnel servers (print_service -S)
                        .append(r.method() == ForwardMethod.IPIP ? " --tun-type ipip" : "").append('\n');
        }
        return sb.toString();
    }

    /** print_sched_flags: in bit order, named after the scheduler. */
    static String flags(VirtualService v) {
        String s = v.scheduler();
        List<String> order = s.equals("sh") || s.equals("mh") ? List.of(s + "-fallback", s + "-port", "flag-3")
                : List.of("flag-1", "flag-2", "flag-3");
        List<String> out = new ArrayList<>();
        for (String f : order) if (v.schedFlags().contains(f)) out.add(f);
        return String.join(",", out);
    }

    public static IpvsConfig read(String text, String file) {
        IpvsState st = new IpvsState();
        List<Diagnostic> d = restore(st, text, file);
        if (!d.isEmpty()) throw new ParseError(d.get(0).where(), d.get(0).message());
        IpvsConfig c = st.toConfig();
        List<VirtualService> l = new ArrayList<>();
        for (VirtualService v : c.services()) {
            List<RealServer> s = new ArrayList<>(v.servers());
            Collections.reverse(s);
            l.add(v.withServers(s));
        }
        return new IpvsConfig(l, c.timeouts(), c.modules());
    }

    /**
     * ipvsadm -R: each line is an ipvsadm command without the program name. A kernel error
     * (Service already exists ...) is printed and the restore goes on; a command-line error
     * ends it, as fail() exits ipvsadm. Returns what ipvsadm would print.
     */
    public static List<Diagnostic> restore(IpvsState st, String text, String file) {
        List<Diagnostic> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            String t = line.strip();
            if (t.isEmpty()) continue;
            SourceRef where = SourceRef.of(file, n);
            List<String> argv = new ArrayList<>(Arrays.asList(t.split("[ \t]+")));
            if (argv.get(0).equals("ipvsadm")) argv.remove(0);
            try {
                IpvsadmCommand.run(st, argv);
            } catch (IpvsFailure.NotModelled e) {
                throw new ParseError(where, e.getMessage());
            } catch (IpvsFailure e) {
                out.add(new Diagnostic(Diagnostic.Severity.ERROR, where, "ipvsadm", e.getMessage()));
                if (!isKernelError(e.getMessage())) break;
            }
        }
        return out;
    }

    private static boolean isKernelError(String m) {
        return List.of(IpvsFailure.SERVICE_EXISTS, IpvsFailure.NO_SCHEDULER, IpvsFailure.NO_SUCH_SERVICE,
                IpvsFailure.SERVICE_NOT_DEFINED, IpvsFailure.DEST_EXISTS, IpvsFailure.NO_SUCH_DEST, IpvsFailure.EINVAL,
                IpvsFailure.ERANGE).contains(m);
    }

    // ---- ipvsadm's sort: C comparators (differences of unsigned values read as int) + glibc msort

    /** ipvs_cmp_services. */
    static int cmpServices(VirtualService a, VirtualService b) {
        ServiceKey x = a.key(), y = b.key();
        int r = (int) (x.fwmark() - y.fwmark());
        if (r != 0) return r;
        r = proto(x) - proto(y);
        if (r != 0) return r;
        r = bits(x) - bits(y);
        if (r != 0) return r;
        return x.port() - y.port();
    }

    private static int proto(ServiceKey k) {
        // -f services are sent with protocol TCP (ipvsadm.c parse_options case 'f')
        return k.isFwmark() ? 6 : k.protocol().number();
    }

    private static int bits(ServiceKey k) {
        return k.isFwmark() ? 0 : k.address().bits();
    }

    /** ipvs_cmp_dests. */
    static int cmpDests(RealServer a, RealServer b) {
        int r = a.address().bits() - b.address().bits();
        if (r != 0) return r;
        return a.port() - b.port();
    }

    static List<VirtualService> ordered(List<VirtualService> l, boolean nosort) {
        return nosort ? l : msort(l, IpvsadmSave::cmpServices);
    }

    static List<RealServer> servers(VirtualService v, boolean nosort) {
        return nosort ? v.servers() : msort(v.servers(), IpvsadmSave::cmpDests);
    }

    /** glibc msort_with_tmp: top-down merge sort, n1 = n/2, ties taken from the left run. */
    static <T> List<T> msort(List<T> in, Comparator<T> c) {
        @SuppressWarnings("unchecked")
        T[] a = (T[]) in.toArray();
        @SuppressWarnings("unchecked")
        T[] tmp = (T[]) new Object[a.length];
        msort(a, tmp, 0, a.length, c);
        return Arrays.asList(a);
    }

    private static <T> void msort(T[] b, T[] tmp, int lo, int n, Comparator<T> c) {
        if (n <= 1) return;
        int n1 = n / 2, n2 = n - n1;
        msort(b, tmp, lo, n1, c);
        msort(b, tmp, lo + n1, n2, c);
        int i = lo, j = lo + n1, k = 0, ie = lo + n1, je = lo + n;
        while (i < ie && j < je) tmp[k++] = c.compare(b[i], b[j]) <= 0 ? b[i++] : b[j++];
        while (i < ie) tmp[k++] = b[i++];
        System.arraycopy(tmp, 0, b, lo, k);
    }
}
