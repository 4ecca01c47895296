package io.fnlab.model.format.ipset;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * `ipset CMD ...` applied to a host's sets: create, add, del, test, flush, destroy, rename,
 * swap (with their one-letter and -X aliases), -exist / -! anywhere; list, save, version and
 * help change nothing. A failing command yields the message ipset prints (without the
 * "ipset v7.17: " prefix); `ipset restore` needs stdin, which a script line does not carry, so
 * it is refused (use {@link IpsetSave#restore}).
 */
public final class IpsetCommand implements ToolCommand {
    static final Set<String> MODELLED_ELSEWHERE = Set.of("hash:mac", "hash:ip,mark", "hash:net,net",
            "hash:net,port,net", "hash:net,iface", "hash:ip,mac", "bitmap:ip", "bitmap:ip,mac", "list:set");

    /** The ipset 4 type names ipset 7 still takes (each type's alias in lib/ipset_*.c). */
    static final java.util.Map<String, String> ALIASES = java.util.Map.of("iphash", "hash:ip", "nethash", "hash:net",
            "ipporthash", "hash:ip,port", "ipportiphash", "hash:ip,port,ip", "ipportnethash", "hash:ip,port,net",
            "netporthash", "hash:net,port", "portmap", "bitmap:port");

    @Override
    public String tool() {
        return "ipset";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        IpsetKernel k = new IpsetKernel(host.ipsets);
        try {
            String out = run(k, argv, false);
            if (out != null) return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "ipset", out));
            return Optional.empty();
        } catch (ToolFailure.NotModelled e) {
            throw new ParseError(where, e.getMessage());
        } catch (ToolFailure e) {
            return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "ipset", e.getMessage()));
        } finally {
            k.commit();
        }
    }

    /**
     * Runs one command; returns a failure message that is not an error of the tool's parser
     * (the answer of a failed `test`), null on success. Throws ToolFailure otherwise.
     */
    static String run(IpsetKernel k, List<String> argv, boolean exist) {
        List<String> words = new ArrayList<>();
        for (String w : argv) {
            switch (w) {
                case "-exist", "-!", "--exist" -> exist = true;
                case "-q", "-quiet", "--quiet", "-n", "-name", "--name", "-s", "-sorted", "--sorted",
                        "-t", "-terse", "--terse", "-r", "-resolve", "--resolve" -> { }
                default -> words.add(w);
            }
        }
        if (words.isEmpty()) throw new ToolFailure("No command specified");
        String cmd = words.get(0);
        List<String> args = words.subList(1, words.size());
        switch (cmd) {
            case "create", "n", "-N", "--create" -> create(k, args, exist);
            case "add", "a", "-A", "--add" -> elem(k, "add", args, exist);
            case "del", "d", "-D", "--del" -> elem(k, "del", args, exist);
            case "test", "t", "-T", "--test" -> {
                return elem(k, "test", args, exist);
            }
            case "destroy", "x", "-X", "--destroy" -> {
                maxArgs("destroy", args, 1);
                k.destroy(args.isEmpty() ? null : name(args.get(0)));
            }
            case "flush", "f", "-F", "--flush" -> {
                maxArgs("flush", args, 1);
                k.flush(args.isEmpty() ? null : name(args.get(0)));
            }
            case "rename", "e", "-E", "--rename" -> {
                two("rename", args);
                k.rename(name(args.get(0)), name(args.get(1)));
            }
            case "swap", "w", "-W", "--swap" -> {
                two("swap", args);
                k.swap(name(args.get(0)), name(args.get(1)));
            }
            case "list", "-L", "--list", "save", "-S", "--save" -> {
                for (String a : args) {
                    if (a.equals("-o") || a.equals("-output") || a.equals("-file")) continue;
                    if (!a.startsWith("-") && !k.exists(a) && !List.of("plain", "save", "xml", "json").contains(a))
                        throw new ToolFailure("The set with the given name does not exist");
                }
            }
            case "restore", "-R", "--restore" ->
                    throw new ToolFailure.NotModelled("ipset restore reads standard input, which a script line does not "
                            + "carry; give the file to IpsetSave.restore instead");
            case "version", "-v", "-V", "--version", "help", "-h", "--help" -> { }
            default -> throw new ToolFailure("No command specified: unknown argument " + cmd);
        }
        return null;
    }

    private static void maxArgs(String cmd, List<String> args, int n) {
        if (args.size() > n) throw new ToolFailure("Unknown argument: `" + args.get(n) + "'");
    }

    private static void two(String cmd, List<String> args) {
        if (args.isEmpty()) throw new ToolFailure("Missing mandatory argument to command " + cmd);
        if (args.size() < 2) throw new ToolFailure("Missing second mandatory argument to command " + cmd);
        maxArgs(cmd, args, 2);
    }

    static String name(String s) {
        if (s.length() > 31) throw new ToolFailure("Syntax error: setname '" + s + "' is longer than 31 characters.");
        return s;
    }

    private static void create(IpsetKernel k, List<String> args, boolean exist) {
        if (args.isEmpty()) throw new ToolFailure("Missing mandatory argument to command create");
        if (args.size() < 2) throw new ToolFailure("Missing second mandatory argument to command create");
        String name = name(args.get(0));
        String typeName = ALIASES.getOrDefault(args.get(1), args.get(1));
        SetType type = null;
        for (SetType t : SetType.values()) if (t.label().equals(typeName)) type = t;
        if (type == null) {
            if (MODELLED_ELSEWHERE.contains(typeName))
                throw new ToolFailure.NotModelled("set type " + typeName + " is not modelled by fnlab");
            throw new ToolFailure("Syntax error: typename '" + typeName + "' is unknown");
        }
        k.create(name, type, createOptions(type, args.subList(2, args.size())), exist);
    }

    /**
     * The create options in the order `ipset save` prints them (lib/print.c through the type's
     * create_args): hash types "family inet hashsize N maxelem N [netmask N] [timeout N]
     * [counters] [comment] [skbinfo] bucketsize N [initval 0x..]", bitmap:port "range A-B
     * [timeout N] [counters] [comment]". Defaults are filled in as the kernel reports them.
     */
    static LinkedHashMap<String, String> createOptions(SetType type, List<String> args) {
        boolean bitmap = type == SetType.BITMAP_PORT;
        String family = null, range = null, initval = null;
        Long hashsize = null, maxelem = null, timeout = null, bucketsize = null, netmask = null;
        boolean counters = false, comment = false, skbinfo = false;
        for (int i = 0; i < args.size(); i++) {
            String o = args.get(i).toLowerCase(Locale.ROOT);
            boolean takesArg = switch (o) {
                case "family", "hashsize", "maxelem", "timeout", "bucketsize", "initval", "netmask", "range" -> true;
                default -> false;
            };
            String v = null;
            if (takesArg) {
                if (i + 1 >= args.size()) throw new ToolFailure("Missing mandatory argument of option `" + o + "'");
                v = args.get(++i);
            }
            switch (o) {
                case "timeout" -> timeout = Protocols.number(v, 2147483L);
                case "counters" -> counters = true;
                case "comment" -> comment = true;
                case "skbinfo" -> skbinfo = true;
                case "family" -> {
                    if (bitmap) throw new ToolFailure("Unknown argument: `" + args.get(i - 1) + "'");
                    if (v.equals("inet6")) throw new ToolFailure.NotModelled("IPv6 sets (family inet6) are not modelled by fnlab");
                    if (!v.equals("inet")) throw new ToolFailure("Syntax error: unknown family " + v);
                    family = v;
                }
                case "hashsize", "maxelem", "bucketsize", "initval" -> {
                    if (bitmap) throw new ToolFailure("Unknown argument: `" + args.get(i - 1) + "'");
                    switch (o) {
                        case "hashsize" -> hashsize = Protocols.number(v, 4294967295L);
                        case "maxelem" -> maxelem = Protocols.number(v, 4294967295L);
                        case "bucketsize" -> bucketsize = Protocols.number(v, 255L);
                        default -> {
                            if (!v.matches("0x[0-9a-fA-F]{1,8}")) throw new ToolFailure("Syntax error: '" + v + "' is invalid as number");
                            initval = "0x" + String.format("%08x", Long.parseLong(v.substring(2), 16));
                        }
                    }
                }
                case "netmask" -> {
                    if (type != SetType.HASH_IP) throw new ToolFailure("Unknown argument: `" + args.get(i - 1) + "'");
                    netmask = Protocols.number(v, 32L);
                    if (netmask == 0) throw new ToolFailure("Syntax error: '0' is out of range 1-32");
                }
                case "range" -> {
                    if (!bitmap) throw new ToolFailure("Unknown argument: `" + args.get(i - 1) + "'");
                    int dash = v.indexOf('-', 1);
                    if (dash < 0) throw new ToolFailure("Mandatory option `to' is missing");
                    int a = port(v.substring(0, dash)), b = port(v.substring(dash + 1));
                    range = Math.min(a, b) + "-" + Math.max(a, b);
                }
                case "forceadd" -> throw new ToolFailure.NotModelled("forceadd (random eviction when full) is not modelled by fnlab");
                default -> throw new ToolFailure("Unknown argument: `" + args.get(i) + "'");
            }
        }
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        if (bitmap) {
            if (range == null) throw new ToolFailure("Mandatory option `range' is missing");
            m.put("range", range);
        } else {
            m.put("family", family == null ? "inet" : family);
            long hs = hashsize == null ? 1024 : hashsize;
            long p = 64;
            while (p < hs) p <<= 1;
            if (p > (1L << 26)) throw new ToolFailure("Kernel error received: Cannot allocate memory");
            m.put("hashsize", Long.toString(p));
            m.put("maxelem", Long.toString(maxelem == null ? 65536 : maxelem));
            if (netmask != null && netmask != 32) m.put("netmask", Long.toString(netmask));
        }
        if (timeout != null) m.put("timeout", Long.toString(timeout));
        if (counters) m.put("counters", "");
        if (comment) m.put("comment", "");
        if (skbinfo) m.put("skbinfo", "");
        if (!bitmap) {
            m.put("bucketsize", Long.toString(bucketsize == null ? 12 : Math.max(2, bucketsize & ~1L)));
            if (initval != null) m.put("initval", initval);
        }
        return m;
    }

    private static int port(String s) {
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) return (int) Protocols.number(s, 65535L);
        throw new ToolFailure("Syntax error: '" + s + "' is invalid as number\nSyntax error: 'tcp' is invalid as number\n"
                + "cannot parse '" + s + "' as a tcp port");
    }

    private static String elem(IpsetKernel k, String cmd, List<String> args, boolean exist) {
        if (args.isEmpty()) throw new ToolFailure("Missing mandatory argument to command " + cmd);
        String name = name(args.get(0));
        if (args.size() < 2) throw new ToolFailure("Missing second mandatory argument to command " + cmd);
        IpsetKernel.Work w = k.peek(name);
        if (w == null) throw new ToolFailure("The set with the given name does not exist");
        int rangeFrom = 0, rangeTo = 65535;
        if (w.type == SetType.BITMAP_PORT) {
            String r = w.options.get("range");
            int dash = r.indexOf('-');
            rangeFrom = Integer.parseInt(r.substring(0, dash));
            rangeTo = Integer.parseInt(r.substring(dash + 1));
        }
        int netmask = w.options.containsKey("netmask") ? Integer.parseInt(w.options.get("netmask")) : 32;
        Long timeout = null;
        String comment = null;
        boolean nomatch = false, wantTimeout = false, wantCounters = false, wantComment = false;
        boolean netType = w.type.dims().contains(SetType.Dim.NET);
        // what ipset parses itself comes first; the kernel's refusals after
        // ipset counts the element's parts before it looks at ranges in them
        String[] parts = args.get(1).split(",", -1);
        if (cmd.equals("test") && parts.length == w.type.dims().size()) {
            String first = parts[0];
            if (first.indexOf('-') > 0 && w.type != SetType.BITMAP_PORT)
                throw new ToolFailure("FROM-TO IP range is not allowed in command test with set type " + w.type.label()
                        + " and family inet");
            if (first.indexOf('/') > 0 && w.type.dims().get(0) == SetType.Dim.IP)
                throw new ToolFailure("IP/CIDR range is not allowed in command test with set type " + w.type.label()
                        + " and family inet");
            // bitmap:port has no family: userspace names it unspec (seen on the real ipset)
            if (first.indexOf('-') > 0)
                throw new ToolFailure("FROM-TO port range is not allowed in command test with set type bitmap:port and family unspec");
            // a port range in a later dimension is refused too (an ICMP type name may hold a '-')
            for (int i = 1; i < parts.length; i++)
                if (w.type.dims().get(i) == SetType.Dim.PORT && parts[i].substring(parts[i].indexOf(':') + 1).matches("\\d+-\\d+"))
                    throw new ToolFailure("FROM-TO port range is not allowed in command test with set type " + w.type.label()
                            + " and family inet");
        }
        List<List<SetElem>> keys = null;
        ToolFailure kernel = null;
        try {
            keys = IpsetElems.expand(w.type, args.get(1), rangeFrom, rangeTo, netmask);
        } catch (ToolFailure.Kernel e) {
            kernel = e;
        }
        List<String> ext = args.subList(2, args.size());
        for (int i = 0; i < ext.size(); i++) {
            String o = ext.get(i);
            boolean allowed = cmd.equals("add") || (cmd.equals("test") && o.equals("nomatch"));
            if (!allowed) throw new ToolFailure("Unknown argument: `" + o + "'");
            switch (o) {
                case "timeout", "packets", "bytes", "comment", "skbmark", "skbprio", "skbqueue" -> {
                    if (i + 1 >= ext.size()) throw new ToolFailure("Missing mandatory argument of option `" + o + "'");
                    String v = ext.get(++i);
                    switch (o) {
                        case "timeout" -> {
                            timeout = Protocols.number(v, 2147483L);
                            wantTimeout = true;
                        }
                        case "packets", "bytes" -> {
                            Protocols.number(v, Long.MAX_VALUE / 10);
                            wantCounters = true;
                        }
                        case "comment" -> {
                            if (v.indexOf('"') >= 0) throw new ToolFailure("Syntax error: \" character is not permitted in comments");
                            if (v.length() > 255)
                                throw new ToolFailure("Syntax error: Comment is longer than the maximum allowed 255 characters");
                            comment = v.isEmpty() ? null : v;
                            wantComment = true;
                        }
                        default -> throw new ToolFailure.NotModelled("skbinfo extensions (" + o + ") are not modelled by fnlab");
                    }
                }
                case "nomatch" -> {
                    if (!netType) throw new ToolFailure("Unknown argument: `nomatch'");
                    nomatch = true;
                }
                default -> throw new ToolFailure("Unknown argument: `" + o + "'");
            }
        }
        // bitmap_port_uadt checks the range before the extensions; the hash types after them
        // the real ipset (Linux 6.18) answers a test of a port outside bitmap:port's range as a miss, not a range error
        if (kernel != null && cmd.equals("test") && w.type == SetType.BITMAP_PORT
                && kernel.getMessage().equals("Element is out of the range of the set") && args.get(1).matches("\\d+"))
            return Integer.parseInt(args.get(1)) + " is NOT in set " + name + ".";
        if (kernel != null && w.type == SetType.BITMAP_PORT) throw kernel;
        // ip_set_get_extensions: timeout, counters, comment, in that order
        if (wantTimeout && !w.options.containsKey("timeout"))
            throw new ToolFailure("Timeout cannot be used: set was created without timeout support");
        if (wantCounters && !w.options.containsKey("counters"))
            throw new ToolFailure("Packet/byte counters cannot be used: set was created without counter support");
        if (wantComment && !w.options.containsKey("comment"))
            throw new ToolFailure("Comment cannot be used: set was created without comment support");
        if (kernel != null) throw kernel;
        switch (cmd) {
            case "add" -> k.add(name, keys, timeout, comment, nomatch, exist);
            case "del" -> k.del(name, keys, exist);
            default -> {
                List<SetElem> key = testKey(w.type, parts, keys.get(0));
                if (!k.test(name, key)) return IpsetElems.format(w.type, key) + " is NOT in set " + name + ".";
            }
        }
        return null;
    }

    /**
     * What the kernel tests for `ipset test` with a range: every hash type's uadt looks up only the
     * first element when adt is IPSET_TEST (the loop over IP_TO, IP2_TO and PORT_TO is for add and
     * del), and a FROM-TO range in a net dimension gives that element a host mask (no CIDR
     * attribute). The first expanded key already has the first port; its net part is narrowed.
     */
    private static List<SetElem> testKey(SetType type, String[] parts, List<SetElem> first) {
        List<SetElem> key = new ArrayList<>(first);
        for (int i = 0; i < key.size() && i < parts.length; i++)
            if (type.dims().get(i) == SetType.Dim.NET && key.get(i) instanceof SetElem.Net n) {
                if (parts[i].indexOf('-') > 0) {
                    key.set(i, new SetElem.Net(new io.fnlab.model.net.Prefix(n.prefix().address(), 32)));
                } else if (parts[i].indexOf('/') > 0) {
                    // the address as written (ipset prints it so), under the given length
                    io.fnlab.model.net.Ipv4 a = io.fnlab.model.net.Ipv4.parse(parts[i].substring(0, parts[i].indexOf('/')));
                    key.set(i, new SetElem.Net(new io.fnlab.model.net.Prefix(a, n.prefix().length())));
                }
            }
        return List.copyOf(key);
    }
}
