package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.FragmentMatch;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads one iptables argument list the way iptables' do_parse (iptables/xshared.c) does with
 * getopt_long: long options may be abbreviated to a unique prefix and written "--opt=value", "!"
 * inverts the next option, options of loaded matches go to the most recent match that has them,
 * and an unknown option loads the match named after -p ("-p tcp --dport 80" loads tcp right
 * there, which is why iptables-save prints "-p tcp -m tcp --dport 80").
 */
final class RuleParser {
    /** Receives the command options (-A, -t, -w ...) when parsing a whole command line. */
    interface Commands {
        /** inline is the value of "--opt=value", else null (the handler then reads words itself). */
        void handle(char letter, String name, String inline, RuleParser p, int word);
    }

    /** A global option of iptables.c's original_opts: long name, getopt has_arg, short letter. */
    record Global(String name, int hasArg, char letter) {}

    static final List<Global> GLOBALS = List.of(new Global("append", 1, 'A'), new Global("delete", 1, 'D'),
            new Global("check", 1, 'C'), new Global("insert", 1, 'I'), new Global("replace", 1, 'R'),
            new Global("list", 2, 'L'), new Global("list-rules", 2, 'S'), new Global("flush", 2, 'F'),
            new Global("zero", 2, 'Z'), new Global("new-chain", 1, 'N'), new Global("delete-chain", 2, 'X'),
            new Global("rename-chain", 1, 'E'), new Global("policy", 1, 'P'), new Global("source", 1, 's'),
            new Global("destination", 1, 'd'), new Global("src", 1, 's'), new Global("dst", 1, 'd'),
            new Global("protocol", 1, 'p'), new Global("in-interface", 1, 'i'), new Global("jump", 1, 'j'),
            new Global("table", 1, 't'), new Global("match", 1, 'm'), new Global("numeric", 0, 'n'),
            new Global("out-interface", 1, 'o'), new Global("verbose", 0, 'v'), new Global("wait", 2, 'w'),
            new Global("wait-interval", 2, 'W'), new Global("exact", 0, 'x'), new Global("fragments", 0, 'f'),
            new Global("version", 0, 'V'), new Global("help", 2, 'h'), new Global("line-numbers", 0, '0'),
            new Global("modprobe", 1, 'M'), new Global("set-counters", 1, 'c'), new Global("goto", 1, 'g'),
            new Global("ipv4", 0, '4'), new Global("ipv6", 0, '6'));

    static final String SHORT_WITH_ARG = "ADCIRNEPsdpiojtmMcg";
    static final String SHORT_OPTIONAL = "LSFZXwWh";
    static final String SHORT_NO_ARG = "nvxfV46";

    final List<String> w;
    final int[] cols;
    final SourceRef where;
    final Commands commands;
    final Predicate<String> chainExists;
    int i;

    /** -s/-d text: iptables resolves addresses only after reading every option (xshared.c do_parse). */
    String srcText, dstText;
    int srcWord, dstWord;
    boolean srcInv, dstInv, inInv, outInv, protoInv, fragInv;
    String in, out;
    Protocol proto;
    boolean frag, sawS, sawD, sawI, sawO, sawP, sawF, sawJ, sawC;
    final List<ExtParser> matches = new ArrayList<>();
    ExtParser target;
    Target simpleTarget;
    Counters counters;

    RuleParser(List<String> words, int[] cols, SourceRef where, Commands commands, Predicate<String> chainExists) {
        this.w = words;
        this.cols = cols;
        this.where = where;
        this.commands = commands;
        this.chainExists = chainExists;
    }

    static int[] columns(List<String> words, int start) {
        int[] c = new int[words.size()];
        int col = Math.max(1, start);
        for (int k = 0; k < words.size(); k++) {
            c[k] = col;
            col += words.get(k).length() + 1;
        }
        return c;
    }

    SourceRef at(int word) {
        if (word < 0 || word >= cols.length) return where;
        return where.atColumn(cols[word]);
    }

    boolean hasNext() {
        return i < w.size();
    }

    String peek() {
        return i < w.size() ? w.get(i) : null;
    }

    String next(String opt, int optWord) {
        if (i >= w.size()) throw XtError.usage("option \"" + opt + "\" requires an argument", optWord);
        return w.get(i++);
    }

    /** Reads everything; afterwards {@link #rules} builds the result. */
    void run() {
        boolean invert = false;
        int invertWord = -1;
        while (i < w.size()) {
            int at = i;
            String tok = w.get(i++);
            if (tok.equals("!")) {
                if (invert) throw XtError.usage("multiple consecutive ! not allowed", at);
                invert = true;
                invertWord = at;
                continue;
            }
            if (tok.startsWith("--") && tok.length() > 2) {
                String name = tok.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                longOption(name, inline, invert, at, tok);
            } else if (tok.startsWith("-") && tok.length() == 2 && tok.charAt(1) != '-') {
                shortOption(tok.charAt(1), invert, at);
            } else if (tok.startsWith("-p") && tok.length() > 2) {
                throw XtError.usage("unknown protocol \"" + tok + "\" specified", at);
            } else if (tok.startsWith("-") && tok.length() > 1) {
                throw XtError.usage("unknown option \"" + tok + "\"", at);
            } else {
                throw new XtError(XtError.Kind.BARE, "Bad argument `" + tok + "'", at);
            }
            invert = false;
        }
        if (invert) throw XtError.usage("nothing appropriate following !", invertWord);
    }

    private void shortOption(char c, boolean invert, int at) {
        if (SHORT_WITH_ARG.indexOf(c) < 0 && SHORT_OPTIONAL.indexOf(c) < 0 && SHORT_NO_ARG.indexOf(c) < 0)
            throw XtError.usage("unknown option \"-" + c + "\"", at);
        basic(c, "-" + c, null, invert, at);
    }

    private void longOption(String name, String inline, boolean invert, int at, String tok) {
        // exact match first, then a unique prefix, over iptables' own options and every loaded extension's
        Global g = null;
        ExtParser owner = null;
        Opt opt = null;
        List<Object> cands = new ArrayList<>();
        for (Global x : GLOBALS) if (x.name().equals(name)) g = x;
        if (g == null) {
            for (int k = matches.size() - 1; k >= 0 && opt == null; k--)
                for (Opt o : matches.get(k).options()) if (o.answersTo(name)) {
                    opt = o;
                    owner = matches.get(k);
                    break;
                }
            if (opt == null && target != null)
                for (Opt o : target.options()) if (o.answersTo(name)) {
                    opt = o;
                    owner = target;
                }
        }
        if (g == null && opt == null) {
            for (Global x : GLOBALS) if (x.name().startsWith(name) && !containsLetter(cands, x.letter())) cands.add(x);
            for (int k = matches.size() - 1; k >= 0; k--)
                for (Opt o : matches.get(k).options()) if (o.prefixedBy(name) && !containsOpt(cands, o)) cands.add(new Object[] {matches.get(k), o});
            if (target != null)
                for (Opt o : target.options()) if (o.prefixedBy(name)) cands.add(new Object[] {target, o});
            if (cands.size() == 1) {
                if (cands.get(0) instanceof Global x) g = x;
                else {
                    Object[] p = (Object[]) cands.get(0);
                    owner = (ExtParser) p[0];
                    opt = (Opt) p[1];
                }
            }
        }
        if (g != null) {
            basic(g.letter(), "--" + g.name(), inline, invert, at);
            return;
        }
        if (opt == null && cands.isEmpty() && proto != null) {
            // command_default: an option no loaded match knows loads the match named like -p
            String pm = Protocols.name(proto);
            ExtParser m = MatchParsers.create(pm);
            if (m != null) {
                for (Opt o : m.options()) if (o.answersTo(name) || o.prefixedBy(name)) opt = o;
                if (opt != null) {
                    m.word = at;
                    matches.add(m);
                    owner = m;
                }
            } else if (Extensions.MATCHES.contains(pm)) {
                throw XtError.notModelled("match '" + pm + "' is not modelled by fnlab", at);
            }
        }
        if (opt == null) throw XtError.usage("unknown option \"" + tok + "\"", at);
        List<String> args = new ArrayList<>();
        for (int k = 0; k < opt.nargs(); k++) {
            if (k == 0 && inline != null) args.add(inline);
            else if (i < w.size()) args.add(w.get(i++));
            else if (k == 0) throw XtError.usage("option \"--" + name + "\" requires an argument", at);
            else throw XtError.usage("--" + opt.name() + " requires two args.", at);
        }
        if (invert && !opt.invertible())
            throw XtError.usage(owner.ext + ": option \"--" + opt.name() + "\" cannot be inverted.", at);
        owner.parse(opt, invert, args, at);
    }

    private static boolean containsLetter(List<Object> c, char l) {
        for (Object o : c) if (o instanceof Global g && g.letter() == l) return true;
        return false;
    }

    private static boolean containsOpt(List<Object> c, Opt o) {
        for (Object x : c) if (x instanceof Object[] p && p[1].equals(o)) return true;
        return false;
    }

    /** The options of iptables.c itself, by short letter. */
    private void basic(char c, String shown, String inline, boolean invert, int at) {
        switch (c) {
            case 's', 'd', 'i', 'o', 'p', 'f', 'j', 'g', 'm', 'c' -> {}
            default -> {
                if (commands == null)
                    throw XtError.usage("option \"" + shown + "\" is not part of a rule specification", at);
                if (invert) throw XtError.usage("cannot have ! before -" + c, at);
                commands.handle(c, shown, inline, this, at);
                return;
            }
        }
        String arg = null;
        if (c != 'f') arg = inline != null ? inline : next(shown, at);
        switch (c) {
            case 's', 'd' -> {
                once(c == 's' ? sawS : sawD, c, at);
                if (c == 's') sawS = true;
                else sawD = true;
                if (c == 's') {
                    srcText = arg;
                    srcWord = at + 1;
                    srcInv = invert;
                } else {
                    dstText = arg;
                    dstWord = at + 1;
                    dstInv = invert;
                }
            }
            case 'i', 'o' -> {
                once(c == 'i' ? sawI : sawO, c, at);
                if (c == 'i') {
                    sawI = true;
                    in = ifname(arg, at);
                    inInv = invert;
                } else {
                    sawO = true;
                    out = ifname(arg, at);
                    outInv = invert;
                }
            }
            case 'p' -> {
                once(sawP, c, at);
                sawP = true;
                Protocol p = Protocols.parse(arg);
                if (p == null) throw XtError.usage("unknown protocol \"" + arg + "\" specified", at);
                proto = p;
                protoInv = invert;
            }
            case 'f' -> {
                once(sawF, c, at);
                sawF = true;
                frag = true;
                fragInv = invert;
            }
            case 'j', 'g' -> {
                once(sawJ, 'j', at);
                sawJ = true;
                if (invert) throw XtError.usage("cannot have ! before -j", at);
                jump(arg, c == 'g', at);
            }
            case 'm' -> {
                if (invert) throw XtError.usage("unexpected ! flag before --match", at);
                ExtParser m = MatchParsers.create(arg);
                if (m == null) {
                    if (Extensions.MATCHES.contains(arg))
                        throw XtError.notModelled("match '" + arg + "' is not modelled by fnlab", at + 1);
                    throw XtError.usage("Couldn't load match `" + arg + "':No such file or directory", at + 1);
                }
                m.word = at + 1;
                matches.add(m);
            }
            case 'c' -> {
                once(sawC, c, at);
                sawC = true;
                String b = i < w.size() ? w.get(i++) : null;
                Long pk = Numbers.parseUnsigned(arg, Long.MAX_VALUE), by = b == null ? null : Numbers.parseUnsigned(b, Long.MAX_VALUE);
                if (pk == null || by == null) throw XtError.usage("-c packet counter not numeric", at);
                counters = new Counters(pk, by);
            }
            default -> throw new IllegalStateException();
        }
    }

    private static void once(boolean saw, char c, int at) {
        if (saw) throw XtError.usage("multiple -" + c + " flags not allowed", at);
    }

    static String ifname(String s, int at) {
        if (s.length() > 15) throw XtError.usage("interface name `" + s + "' must be shorter than IFNAMSIZ (15)", at);
        return s;
    }

    private void jump(String name, boolean isGoto, int at) {
        switch (name) {
            case "ACCEPT", "DROP", "RETURN" -> {
                if (isGoto) throw XtError.usage("goto '" + name + "' is not a chain", at + 1);
                simpleTarget = new Verdict(Verdict.Kind.valueOf(name));
                return;
            }
            default -> {}
        }
        ExtParser t = TargetParsers.create(name);
        if (t != null && !isGoto) {
            t.word = at + 1;
            target = t;
            return;
        }
        if (Extensions.TARGETS.contains(name)) {
            if (isGoto) throw XtError.usage("goto '" + name + "' is not a chain", at + 1);
            throw XtError.notModelled("target '" + name + "' is not modelled by fnlab", at + 1);
        }
        if (name.isEmpty() || name.length() > 28) throw XtError.usage("Invalid target name `" + name + "' (28 chars max)", at + 1);
        // nft_chain_exists or an extension: iptables-nft says the chain is missing; legacy says
        // "Couldn't load target `X':No such file or directory" (or "goto 'X' is not a chain" for -g)
        if (chainExists != null && !chainExists.test(name)) throw XtError.usage("Chain '" + name + "' does not exist", at + 1);
        simpleTarget = isGoto ? new Goto(name) : new Jump(name);
    }

    private static List<Prefix> addresses(String text, int word) {
        List<Prefix> l = new ArrayList<>();
        if (text == null) l.add(null);
        else for (String part : text.split(",", -1)) l.add(Addrs.prefix(part, word).network());
        return l;
    }

    /** The rule(s): one per source x destination address, as iptables expands "-s a,b". */
    List<Rule> rules() {
        ProtoMatch pm = proto == null || (proto.number() == 0 && !protoInv) ? null : new ProtoMatch(proto, protoInv);
        List<Match> tail = new ArrayList<>();
        ProtoMatch given = proto == null ? null : new ProtoMatch(proto, protoInv);
        for (ExtParser m : matches) tail.add((Match) m.finish(given));
        Target t = simpleTarget;
        if (target != null) t = (Target) target.finish(given);
        List<Prefix> ss = addresses(srcText, srcWord), ds = addresses(dstText, dstWord);
        List<Rule> out2 = new ArrayList<>();
        for (Prefix s : ss)
            for (Prefix d : ds) {
                List<Match> ms = new ArrayList<>();
                // a /0 address is no criterion at all (the kernel compares nothing) unless inverted
                if (s != null && (s.length() > 0 || srcInv)) ms.add(new AddrMatch(AddrMatch.Direction.SRC, s, srcInv));
                if (d != null && (d.length() > 0 || dstInv)) ms.add(new AddrMatch(AddrMatch.Direction.DST, d, dstInv));
                if (in != null && !(in.equals("+") && !inInv)) ms.add(new IfaceMatch(IfaceMatch.Direction.IN, in, inInv));
                if (out != null && !(out.equals("+") && !outInv)) ms.add(new IfaceMatch(IfaceMatch.Direction.OUT, out, outInv));
                if (pm != null) ms.add(pm);
                if (frag) ms.add(new FragmentMatch(fragInv));
                ms.addAll(tail);
                out2.add(new Rule(ms, t, counters, where));
            }
        return out2;
    }
}
