package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * `ipvsadm ...` applied to a host's IPVS state the way ipvsadm 1.31 does it (ipvsadm.c
 * parse_options, generic_opt_check, process_options; the kernel side in IpvsState). Option
 * parsing follows popt: clustered short options (-Ln), "--long arg" and "--long=arg", -p with an
 * optional timeout. The first option must be a command, as in ipvsadm.
 *
 * <p>Read-only commands (-L, -l, -S, -Z, -h, --version) change nothing. -R reads stdin, which a
 * script line does not carry (use {@link IpvsadmSave#restore}); the sync daemon, --pe, -o and
 * the tunnel options are not modelled and are refused with a ParseError.
 */
public final class IpvsadmCommand implements ToolCommand {
    private static final int MAX_TIMEOUT = 86400 * 31;

    @Override
    public String tool() {
        return "ipvsadm";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        try {
            run(host.ipvs, argv);
            return Optional.empty();
        } catch (IpvsFailure.NotModelled e) {
            throw new ParseError(where, e.getMessage());
        } catch (IpvsFailure e) {
            return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "ipvsadm", e.getMessage()));
        }
    }

    enum Cmd {
        ADD("add-service"), EDIT("edit-service"), DEL("delete-service"), FLUSH("flush"), LIST("list"),
        ADDDEST("add-server"), DELDEST("delete-server"), EDITDEST("edit-server"), TIMEOUT("set"),
        STARTD("start-daemon"), STOPD("stop-daemon"), RESTORE("restore"), SAVE("save"), ZERO("zero");

        final String label;

        Cmd(String label) {
            this.label = label;
        }
    }

    /** Options in ipvsadm's optnames order (the order generic_opt_check reports them in). */
    enum Opt {
        NUMERIC("numeric"), CONNECTION("connection"), SERVICE("service-address"), SCHEDULER("scheduler"),
        PERSISTENT("persistent"), NETMASK("netmask"), SERVER("real-server"), FORWARD("forwarding-method"),
        WEIGHT("weight"), UTHRESHOLD("u-threshold"), LTHRESHOLD("l-threshold"), MCAST("mcast-interface"),
        TIMEOUT("timeout"), DAEMON("daemon"), STATS("stats"), RATE("rate"), THRESHOLDS("thresholds"),
        PERSISTENTCONN("persistent-conn"), NOSORT("nosort"), SYNCID("syncid"), EXACT("exact"), ONEPACKET("ops"),
        PE("pe"), SCHED_FLAGS("sched-flags");

        final String label;

        Opt(String label) {
            this.label = label;
        }
    }

    // commands_v_options (ipvsadm.c): '+' compulsory, 'x' illegal, '1' exclusive, ' ' optional
    private static final Map<Cmd, String> TABLE = Map.ofEntries(
            Map.entry(Cmd.ADD, "xx+   xxxxxxxxxxxxxxx   "),
            Map.entry(Cmd.EDIT, "xx+   xxxxxxxxxxxxxxx   "),
            Map.entry(Cmd.DEL, "xx+xxxxxxxxxxxxxxxxxxxxx"),
            Map.entry(Cmd.FLUSH, "xxxxxxxxxxxxxxxxxxxxxxxx"),
            Map.entry(Cmd.LIST, " 11xxxxxxxxx11       xxx"),
            Map.entry(Cmd.ADDDEST, "xx+xxx+    xxxxxxxxxxxxx"),
            Map.entry(Cmd.DELDEST, "xx+xxx+xxxxxxxxxxxxxxxxx"),
            Map.entry(Cmd.EDITDEST, "xx+xxx+    xxxxxxxxxxxxx"),
            Map.entry(Cmd.TIMEOUT, "xxxxxxxxxxxxxxxxxxxxxxxx"),
            Map.entry(Cmd.STARTD, "xxxxxxxxxxx xxxxxxx xxxx"),
            Map.entry(Cmd.STOPD, "xxxxxxxxxxxxxxxxxxx xxxx"),
            Map.entry(Cmd.RESTORE, "xxxxxxxxxxxxxxxxxxxxxxxx"),
            Map.entry(Cmd.SAVE, " xxxxxxxxxxxxxxxxx xxxxx"),
            Map.entry(Cmd.ZERO, "xx xxxxxxxxxxxxxxxxxxxxx"));

    /** Long option name -> (short tag, argument: 0 none, 1 required, 2 optional). */
    private static final Map<String, String[]> LONG = Map.ofEntries(
            Map.entry("add-service", new String[]{"A", "0"}), Map.entry("edit-service", new String[]{"E", "0"}),
            Map.entry("delete-service", new String[]{"D", "0"}), Map.entry("clear", new String[]{"C", "0"}),
            Map.entry("restore", new String[]{"R", "0"}), Map.entry("save", new String[]{"S", "0"}),
            Map.entry("add-server", new String[]{"a", "0"}), Map.entry("edit-server", new String[]{"e", "0"}),
            Map.entry("delete-server", new String[]{"d", "0"}), Map.entry("list", new String[]{"L", "0"}),
            Map.entry("zero", new String[]{"Z", "0"}), Map.entry("set", new String[]{"set", "0"}),
            Map.entry("start-daemon", new String[]{"start-daemon", "1"}),
            Map.entry("stop-daemon", new String[]{"stop-daemon", "1"}), Map.entry("help", new String[]{"h", "0"}),
            Map.entry("version", new String[]{"v", "0"}), Map.entry("tcp-service", new String[]{"t", "1"}),
            Map.entry("udp-service", new String[]{"u", "1"}), Map.entry("sctp-service", new String[]{"sctp", "1"}),
            Map.entry("fwmark-service", new String[]{"f", "1"}), Map.entry("scheduler", new String[]{"s", "1"}),
            Map.entry("persistent", new String[]{"p", "2"}), Map.entry("netmask", new String[]{"M", "1"}),
            Map.entry("real-server", new String[]{"r", "1"}), Map.entry("gatewaying", new String[]{"g", "0"}),
            Map.entry("ipip", new String[]{"i", "0"}), Map.entry("masquerading", new String[]{"m", "0"}),
            Map.entry("weight", new String[]{"w", "1"}), Map.entry("u-threshold", new String[]{"x", "1"}),
            Map.entry("l-threshold", new String[]{"y", "1"}), Map.entry("numeric", new String[]{"n", "0"}),
            Map.entry("connection", new String[]{"c", "0"}), Map.entry("timeout", new String[]{"timeout", "0"}),
            Map.entry("daemon", new String[]{"daemon", "0"}), Map.entry("stats", new String[]{"stats", "0"}),
            Map.entry("rate", new String[]{"rate", "0"}), Map.entry("thresholds", new String[]{"thresholds", "0"}),
            Map.entry("persistent-conn", new String[]{"persistent-conn", "0"}),
            Map.entry("nosort", new String[]{"nosort", "0"}), Map.entry("sort", new String[]{"sort", "0"}),
            Map.entry("exact", new String[]{"X", "0"}), Map.entry("ops", new String[]{"o", "0"}),
            Map.entry("pe", new String[]{"pe", "1"}), Map.entry("sched-flags", new String[]{"b", "1"}),
            Map.entry("mcast-interface", new String[]{"mcast-interface", "1"}), Map.entry("syncid", new String[]{"I", "1"}),
            Map.entry("tun-type", new String[]{"tun-type", "1"}), Map.entry("tun-port", new String[]{"tun-port", "1"}),
            Map.entry("tun-nocsum", new String[]{"tun-nocsum", "0"}), Map.entry("tun-csum", new String[]{"tun-csum", "0"}),
            Map.entry("tun-remcsum", new String[]{"tun-remcsum", "0"}), Map.entry("tun-info", new String[]{"tun-info", "0"}));

    private static final String SHORT_NOARG = "AEDCRSaedLlZhvgimnc6oX";
    private static final String SHORT_ARG = "tufsMrwxybI";

    /** One parsed option: its tag and its argument (null when none). */
    record Tok(String tag, String arg, String spelled) {}

    /** popt-like tokenizer; returns options in order and leftover arguments in rest. */
    static List<Tok> tokenize(List<String> argv, List<String> rest) {
        List<Tok> out = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2), arg = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    arg = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                String[] spec = LONG.get(name);
                if (spec == null) throw new IpvsFailure(a + ": unknown option");
                if (spec[1].equals("1") && arg == null) {
                    if (i + 1 >= argv.size()) throw new IpvsFailure(a + ": missing argument");
                    arg = argv.get(++i);
                } else if (spec[1].equals("2") && arg == null && i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
                    arg = argv.get(++i);
                }
                out.add(new Tok(spec[0], arg, a));
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    String tag = String.valueOf(c);
                    if (c == 'p') {
                        String arg = null;
                        if (j + 1 < a.length()) arg = a.substring(j + 1);
                        else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) arg = argv.get(++i);
                        out.add(new Tok("p", arg, "-p"));
                        break;
                    } else if (SHORT_ARG.indexOf(c) >= 0) {
                        String arg;
                        if (j + 1 < a.length()) arg = a.substring(j + 1);
                        else if (i + 1 < argv.size()) arg = argv.get(++i);
                        else throw new IpvsFailure("-" + c + ": missing argument");
                        out.add(new Tok(tag, arg, "-" + c));
                        break;
                    } else if (SHORT_NOARG.indexOf(c) >= 0) {
                        out.add(new Tok(tag, null, "-" + c));
                    } else {
                        throw new IpvsFailure("-" + c + ": unknown option");
                    }
                }
            } else {
                rest.add(a);
            }
        }
        return out;
    }

    /** Applies one ipvsadm command line (argv without "ipvsadm"). */
    static void run(IpvsState st, List<String> argv) {
        if (argv.isEmpty()) return; // bare ipvsadm lists the table
        List<String> rest = new ArrayList<>();
        List<Tok> toks = tokenize(argv, rest);
        if (toks.isEmpty() || !isCommand(toks.get(0).tag()))
            throw new IpvsFailure("Try `ipvsadm -h' or 'ipvsadm --help' for more information.");
        Cmd cmd = null;
        Set<Opt> opts = new LinkedHashSet<>();
        ServiceKey key = null;
        String sched = null, flags = null;
        Integer persistence = null;
        Ipv4 netmask = null;
        Ipv4 rAddr = null;
        Integer rPort = null;
        ForwardMethod fwd = ForwardMethod.GATE;
        int weight = 1, uth = 0, lth = 0;
        for (Tok t : toks) {
            switch (t.tag()) {
                case "h", "v" -> { return; }
                case "A", "E", "D", "C", "R", "S", "a", "e", "d", "L", "l", "Z", "set", "start-daemon", "stop-daemon" -> {
                    if (cmd != null) throw new IpvsFailure("multiple commands specified");
                    cmd = switch (t.tag()) {
                        case "A" -> Cmd.ADD;
                        case "E" -> Cmd.EDIT;
                        case "D" -> Cmd.DEL;
                        case "C" -> Cmd.FLUSH;
                        case "R" -> Cmd.RESTORE;
                        case "S" -> Cmd.SAVE;
                        case "a" -> Cmd.ADDDEST;
                        case "e" -> Cmd.EDITDEST;
                        case "d" -> Cmd.DELDEST;
                        case "L", "l" -> Cmd.LIST;
                        case "Z" -> Cmd.ZERO;
                        case "set" -> Cmd.TIMEOUT;
                        case "start-daemon" -> Cmd.STARTD;
                        default -> Cmd.STOPD;
                    };
                }
                case "t", "u", "sctp" -> {
                    set(opts, Opt.SERVICE);
                    Protocol p = t.tag().equals("t") ? Protocol.TCP : t.tag().equals("u") ? Protocol.UDP : Protocol.SCTP;
                    long[] ap = parseService(t.arg(), "illegal virtual server address[:port] specified");
                    key = new ServiceKey(p, new Ipv4((int) ap[0]), (int) Math.max(ap[1], 0), 0);
                }
                case "f" -> {
                    set(opts, Opt.SERVICE);
                    key = ServiceKey.fwmark(parseFwmark(t.arg()));
                }
                case "s" -> {
                    set(opts, Opt.SCHEDULER);
                    sched = t.arg().length() > 15 ? t.arg().substring(0, 15) : t.arg();
                }
                case "p" -> {
                    set(opts, Opt.PERSISTENT);
                    persistence = t.arg() == null ? 300 : timeout(t.arg(), 1);
                }
                case "M" -> {
                    set(opts, Opt.NETMASK);
                    Ipv4 m = InetAton.parse(t.arg());
                    if (m == null) {
                        if (t.arg().indexOf(':') >= 0 || t.arg().chars().anyMatch(Character::isLetter))
                            throw new IpvsFailure.NotModelled("netmask '" + t.arg() + "' is not an IPv4 address; fnlab does not resolve names");
                        throw new IpvsFailure("illegal virtual server persistent mask specified");
                    }
                    netmask = m;
                }
                case "r" -> {
                    set(opts, Opt.SERVER);
                    long[] ap = parseService(t.arg(), "illegal real server address[:port] specified");
                    rAddr = new Ipv4((int) ap[0]);
                    rPort = ap[1] < 0 ? null : (int) ap[1];
                }
                case "g", "i", "m" -> {
                    set(opts, Opt.FORWARD);
                    fwd = t.tag().equals("g") ? ForwardMethod.GATE : t.tag().equals("i") ? ForwardMethod.IPIP : ForwardMethod.MASQ;
                }
                case "w" -> {
                    set(opts, Opt.WEIGHT);
                    weight = number(t.arg(), 65535, "illegal weight specified");
                }
                case "x" -> {
                    set(opts, Opt.UTHRESHOLD);
                    uth = number(t.arg(), Integer.MAX_VALUE, "illegal u_threshold specified");
                }
                case "y" -> {
                    set(opts, Opt.LTHRESHOLD);
                    lth = number(t.arg(), Integer.MAX_VALUE, "illegal l_threshold specified");
                }
                case "n" -> set(opts, Opt.NUMERIC);
                case "c" -> set(opts, Opt.CONNECTION);
                case "timeout" -> set(opts, Opt.TIMEOUT);
                case "daemon" -> set(opts, Opt.DAEMON);
                case "stats" -> set(opts, Opt.STATS);
                case "rate" -> set(opts, Opt.RATE);
                case "thresholds" -> set(opts, Opt.THRESHOLDS);
                case "persistent-conn" -> set(opts, Opt.PERSISTENTCONN);
                case "nosort" -> set(opts, Opt.NOSORT);
                case "sort", "tun-info" -> { }
                // ipvsadm 1.31 -Sn prints --tun-type ipip on every tunnel server (seen on a 6.1
                // kernel); ipip is the kernel's default tunnel, the only one fnlab models
                case "tun-type" -> {
                    if (!t.arg().equals("ipip"))
                        throw new IpvsFailure.NotModelled("tunnel type " + t.arg() + " is not modelled by fnlab (only ipip)");
                }
                case "X" -> set(opts, Opt.EXACT);
                case "o" -> set(opts, Opt.ONEPACKET);
                case "pe" -> set(opts, Opt.PE);
                case "b" -> {
                    set(opts, Opt.SCHED_FLAGS);
                    flags = t.arg();
                }
                case "6" -> throw new IpvsFailure.NotModelled("IPv6 services (-6) are not modelled by fnlab");
                case "mcast-interface", "I" -> throw new IpvsFailure.NotModelled("the IPVS sync daemon is not modelled by fnlab");
                default -> throw new IpvsFailure.NotModelled("ipvsadm option " + t.spelled() + " is not modelled by fnlab");
            }
        }
        int restIdx = 0;
        int[] setValues = null;
        if (cmd == Cmd.TIMEOUT) {
            if (rest.size() < 3) throw new IpvsFailure("--set option requires 3 timeout values");
            setValues = new int[]{timeout(rest.get(0), 0), timeout(rest.get(1), 0), timeout(rest.get(2), 0)};
            restIdx = 3;
        }
        if (rest.size() > restIdx) throw new IpvsFailure("unexpected argument " + rest.get(restIdx));
        check(cmd, opts);
        if (cmd == Cmd.ADD || cmd == Cmd.EDIT) {
            if (!key.isFwmark() && key.port() == 0 && persistence == null)
                throw new IpvsFailure("Zero port specified for non-persistent service");
            if (opts.contains(Opt.ONEPACKET) && !key.isFwmark() && !key.protocol().equals(Protocol.UDP))
                throw new IpvsFailure("One-Packet Scheduling is only for UDP virtual services");
            if (sched == null) sched = "wlc";
        }
        Set<String> schedFlags = flags == null ? Set.of() : schedFlags(sched == null ? "wlc" : sched, flags);
        if (opts.contains(Opt.ONEPACKET)) throw new IpvsFailure.NotModelled("one-packet scheduling (-o) is not modelled by fnlab");
        if (opts.contains(Opt.PE)) throw new IpvsFailure.NotModelled("persistence engines (--pe) are not modelled by fnlab");
        switch (cmd) {
            case ADD, EDIT -> {
                VirtualService v = new VirtualService(key, sched, schedFlags, persistence, netmask, List.of());
                if (cmd == Cmd.ADD) st.addService(v);
                else st.editService(v);
            }
            case DEL -> st.deleteService(key);
            case FLUSH -> st.clear();
            case ADDDEST, EDITDEST, DELDEST -> {
                int port = rPort == null ? key.port() : rPort;
                // process_options: DR and tunnel servers take the service port (not for fwmark services)
                if (cmd != Cmd.DELDEST && !key.isFwmark() && fwd != ForwardMethod.MASQ) port = key.port();
                if (cmd == Cmd.DELDEST) st.deleteServer(key, rAddr, port);
                else {
                    RealServer r = new RealServer(rAddr, port, fwd, weight, uth, lth);
                    if (cmd == Cmd.ADDDEST) st.addServer(key, r);
                    else st.editServer(key, r);
                }
            }
            case TIMEOUT -> st.setTimeouts(setValues[0], setValues[1], setValues[2]);
            case LIST, ZERO -> {
                if (key != null && !st.hasService(key)) throw new IpvsFailure(IpvsFailure.NO_SUCH_SERVICE);
            }
            case SAVE -> { }
            case RESTORE -> throw new IpvsFailure.NotModelled("ipvsadm -R reads standard input, which a script line does "
                    + "not carry; give the file to IpvsadmSave.restore instead");
            case STARTD, STOPD -> throw new IpvsFailure.NotModelled("the IPVS sync daemon is not modelled by fnlab");
        }
    }

    private static boolean isCommand(String tag) {
        return List.of("A", "E", "D", "C", "R", "S", "a", "e", "d", "L", "l", "Z", "set", "start-daemon", "stop-daemon", "h", "v")
                .contains(tag);
    }

    private static void set(Set<Opt> opts, Opt o) {
        if (!opts.add(o)) throw new IpvsFailure("multiple '" + o.label + "' options specified");
    }

    /** generic_opt_check over the commands_v_options table. */
    private static void check(Cmd cmd, Set<Opt> opts) {
        String row = TABLE.get(cmd);
        Opt last = null;
        for (Opt o : Opt.values()) {
            char c = o.ordinal() < row.length() ? row.charAt(o.ordinal()) : 'x';
            if (!opts.contains(o)) {
                if (c == '+')
                    throw new IpvsFailure("You need to supply the '" + o.label + "' option for the '" + cmd.label + "' command");
            } else {
                if (c == 'x') throw new IpvsFailure("Illegal '" + o.label + "' option with the '" + cmd.label + "' command");
                if (c == '1') {
                    if (last == null) last = o;
                    else throw new IpvsFailure("The option '" + o.label + "' conflicts with the '" + last.label
                            + "' option in the '" + cmd.label + "' command");
                }
            }
        }
    }

    /** parse_sched_flags (ipvsadm 1.31): names per scheduler; flag-N are the raw bits. */
    static Set<String> schedFlags(String sched, String arg) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : arg.split(",")) {
            if (f.isEmpty()) continue;
            switch (f) {
                case "flag-1", "flag-2", "flag-3" -> out.add(canonical(sched, f));
                case "sh-fallback", "sh-port" -> {
                    if (!sched.equals("sh")) throw new IpvsFailure("incompatible scheduler flag `" + f + "'");
                    out.add(f);
                }
                case "mh-fallback", "mh-port" -> {
                    if (!sched.equals("mh")) throw new IpvsFailure("incompatible scheduler flag `" + f + "'");
                    out.add(f);
                }
                default -> throw new IpvsFailure("invalid scheduler flag `" + f + "'");
            }
        }
        return out;
    }

    /** IP_VS_SVC_F_SCHED1 is sh-fallback for sh and mh-fallback for mh; SCHED2 the -port flags. */
    static String canonical(String sched, String flag) {
        if (sched.equals("sh") || sched.equals("mh")) {
            if (flag.equals("flag-1")) return sched + "-fallback";
            if (flag.equals("flag-2")) return sched + "-port";
        }
        return flag;
    }

    /** string_to_number(s, 0, max) or fail with msg. */
    private static int number(String s, int max, String msg) {
        if (s == null || s.isEmpty() || s.length() > 10 || !s.matches("[+-]?[0-9]+")) throw new IpvsFailure(msg);
        long v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        if (v < 0 || v > max) throw new IpvsFailure(msg);
        return (int) v;
    }

    private static int timeout(String s, int min) {
        String msg = "invalid timeout value `" + s + "' specified";
        int v = number(s, MAX_TIMEOUT, msg);
        if (v < min) throw new IpvsFailure(msg);
        return v;
    }

    private static long parseFwmark(String s) {
        String msg = "invalid fwmark value `" + s + "' specified";
        if (s == null || s.isEmpty() || s.length() > 11 || !s.matches("[+-]?[0-9]+")) throw new IpvsFailure(msg);
        long v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        if (v <= 0 || v > 4294967295L) throw new IpvsFailure(msg);
        return v;
    }

    /** parse_service: {address bits, port or -1}. */
    private static long[] parseService(String buf, String msg) {
        if (buf == null || buf.isEmpty() || buf.chars().allMatch(Character::isDigit)) throw new IpvsFailure(msg);
        if (buf.startsWith("[") || buf.chars().filter(c -> c == ':').count() > 1)
            throw new IpvsFailure.NotModelled("IPv6 address " + buf + " is not modelled by fnlab");
        int colon = buf.lastIndexOf(':');
        String host = colon >= 0 ? buf.substring(0, colon) : buf;
        Ipv4 a = InetAton.parse(host);
        if (a == null) {
            if (host.chars().anyMatch(Character::isLetter))
                throw new IpvsFailure.NotModelled("host name '" + host + "' is not resolved by fnlab; write the address");
            throw new IpvsFailure(msg);
        }
        long port = -1;
        if (colon >= 0) {
            String p = buf.substring(colon + 1);
            if (!p.isEmpty() && p.length() <= 10 && p.matches("[+-]?[0-9]+")) {
                long v = Long.parseLong(p.startsWith("+") ? p.substring(1) : p);
                if (v < 0 || v > 65535) throw new IpvsFailure(msg);
                port = v;
            } else {
                Integer svc = SERVICES.get(p);
                if (svc == null) {
                    if (!p.isEmpty() && p.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-'))
                        throw new IpvsFailure.NotModelled("service name '" + p + "' is not in fnlab's /etc/services subset; write the port");
                    throw new IpvsFailure(msg);
                }
                port = svc;
            }
        }
        return new long[]{a.bits() & 0xffffffffL, port};
    }

    private static final Map<String, Integer> SERVICES = Map.of("ssh", 22, "smtp", 25, "domain", 53, "http", 80,
            "https", 443, "mysql", 3306);
}
