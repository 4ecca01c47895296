package io.fnlab.lab.export;

import io.fnlab.model.format.ipset.IpsetSave;
import io.fnlab.model.format.iptables.RuleSyntax;
import io.fnlab.model.format.ipvsadm.IpvsadmSave;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one host's verified configuration into the files an operator copies to the real machine:
 * iptables.rules (iptables-restore --noflush input with the user chains), ipset.restore,
 * ipvsadm.rules (ipvsadm -R input), sysctl.conf, and apply.sh, which checks prerequisites,
 * applies everything, is idempotent, and undoes what it changed when a step fails.
 *
 * <p>Why user chains go through iptables-restore --noflush but built-in chain rules through
 * `iptables -C || -A`: with --noflush, iptables-restore flushes a user chain it declares (so a
 * second run replaces, not duplicates, its rules) but never flushes built-in chains, which may
 * hold other software's rules; the -C test keeps those appends idempotent (kube-proxy does the same).
 */
public final class Exporter {
    private Exporter() {}

    public static HostExport export(Scenario s, Host h) {
        Map<String, String> files = new LinkedHashMap<>();
        var cfg = h.config();
        boolean hasIptables = !cfg.iptables().tables().isEmpty();
        boolean hasIpsets = !cfg.ipsets().isEmpty();
        boolean hasIpvs = !cfg.ipvs().services().isEmpty();
        if (hasIptables) files.put("iptables.rules", userChains(cfg.iptables().tables().values()));
        if (hasIpsets) files.put("ipset.restore", ipsetRestore(cfg.ipsets().values()));
        if (hasIpvs) files.put("ipvsadm.rules", IpvsadmSave.write(restoreOrder(cfg.ipvs()), true));
        if (!cfg.sysctls().values().isEmpty()) files.put("sysctl.conf", sysctlConf(cfg.sysctls().values()));
        files.put("apply.sh", applyScript(s, h, hasIptables, hasIpsets, hasIpvs));
        return new HostExport(h.name(), files);
    }

    /**
     * ipvsadm -R adds each real server at the head of its service's list (__ip_vs_update_dest,
     * list_add_rcu), and the order decides rr/wrr's picks: write each service's servers last
     * first, unsorted, so that the restored kernel list is the scenario's.
     */
    static io.fnlab.model.ipvs.IpvsConfig restoreOrder(io.fnlab.model.ipvs.IpvsConfig c) {
        List<VirtualService> vs = new ArrayList<>();
        for (VirtualService v : c.services()) {
            List<io.fnlab.model.ipvs.RealServer> rs = new ArrayList<>(v.servers());
            java.util.Collections.reverse(rs);
            vs.add(v.withServers(rs));
        }
        return new io.fnlab.model.ipvs.IpvsConfig(vs, c.timeouts(), c.modules());
    }

    /** *table blocks with only user chains: declared (and so flushed by --noflush) and filled. */
    static String userChains(Iterable<Table> tables) {
        StringBuilder b = new StringBuilder("# user chains for iptables-restore --noflush (written by fnlab export)\n");
        for (Table t : tables) {
            List<Chain> user = t.chains().stream().filter(c -> !c.isBuiltin()).toList();
            if (user.isEmpty()) continue;
            b.append('*').append(t.name().label()).append('\n');
            for (Chain c : user) b.append(':').append(c.name()).append(" - [0:0]\n");
            for (Chain c : user) for (Rule r : c.rules()) b.append("-A ").append(c.name()).append(' ').append(RuleSyntax.format(r)).append('\n');
            b.append("COMMIT\n");
        }
        return b.toString();
    }

    /** ipset save text plus a flush after each create, so that -exist restores replace entries. */
    static String ipsetRestore(java.util.Collection<io.fnlab.model.ipset.IpSet> sets) {
        StringBuilder b = new StringBuilder();
        for (String line : IpsetSave.write(sets).split("\n")) {
            if (line.isBlank()) continue;
            b.append(line).append('\n');
            if (line.startsWith("create ")) b.append("flush ").append(line.split(" ")[1]).append('\n');
        }
        return b.toString();
    }

    static String sysctlConf(Map<String, String> values) {
        StringBuilder b = new StringBuilder("# written by fnlab export\n");
        values.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        return b.toString();
    }

    /** Kernel modules the config needs: those the scripts load, plus IPVS and one per scheduler. */
    static Set<String> modules(Host h) {
        Set<String> m = new LinkedHashSet<>(h.config().ipvs().modules());
        if (!h.config().ipvs().services().isEmpty()) m.add("ip_vs");
        for (VirtualService v : h.config().ipvs().services()) m.add("ip_vs_" + v.scheduler());
        if (!h.config().ipsets().isEmpty()) m.add("ip_set");
        return m;
    }

    private static String applyScript(Scenario s, Host h, boolean ipt, boolean sets, boolean ipvs) {
        ShellScript sh = new ShellScript();
        sh.raw("#!/bin/sh").raw("# Applies host " + comment(h.name()) + " of scenario " + comment(s.name()) + " (written by fnlab export).")
                .raw("# Idempotent: a second run changes nothing. On failure it undoes what it changed and exits non-zero.")
                .raw("# Usage: sh apply.sh            (as root, in the directory holding the other files)")
                .raw("set -eu")
                .raw("here=$(cd \"$(dirname \"$0\")\" && pwd)")
                .raw(PRELUDE);
        sh.raw("[ \"$(id -u)\" = 0 ] || die \"must run as root\"");
        List<String> tools = new ArrayList<>(List.of("ip", "sysctl"));
        if (ipt) tools.addAll(List.of("iptables", "iptables-save", "iptables-restore"));
        if (sets) tools.add("ipset");
        if (ipvs) tools.add("ipvsadm");
        for (String t : tools) sh.cmd(List.of("need_tool", t));
        for (String m : modules(h)) sh.cmd(List.of("need_module", m));
        sh.raw("journal=$(mktemp -d)").raw("trap on_exit EXIT").raw("trap 'exit 130' INT TERM");

        sh.raw("step \"sysctls\"");
        for (var e : h.config().sysctls().values().entrySet()) sh.cmd(List.of("set_sysctl", e.getKey(), e.getValue()));

        sh.raw("step \"devices, addresses, routes\"");
        for (Interface i : h.interfaces()) {
            if (i.kind() == Interface.Kind.DUMMY || i.kind() == Interface.Kind.IPIP) {
                sh.cmd(List.of("ensure_link", i.name(), i.kind() == Interface.Kind.DUMMY ? "dummy" : "ipip"));
            } else if (i.kind() == Interface.Kind.ETHERNET) {
                sh.cmd(List.of("need_link", i.name()));
            }
        }
        for (Address a : h.config().addresses()) {
            List<String> w = new ArrayList<>(List.of("ensure_addr", a.prefix().toString(), a.device()));
            if (a.scope() != null && a.scope() != Address.Scope.GLOBAL) w.add(a.scope().name().toLowerCase(Locale.ROOT));
            sh.cmd(w);
        }
        for (Route r : h.config().routes()) sh.cmd(routeWords(r));
        for (var pr : h.config().rules()) {
            List<String> w = new ArrayList<>(List.of("ensure_rule_prio", Integer.toString(pr.priority())));
            if (pr.not()) w.add("not");
            if (pr.from() != null) w.addAll(List.of("from", pr.from().toString()));
            if (pr.to() != null) w.addAll(List.of("to", pr.to().toString()));
            if (pr.fwmark() != null) w.addAll(List.of("fwmark", "0x" + Long.toHexString(pr.fwmark())
                    + (pr.fwmask() != null ? "/0x" + Long.toHexString(pr.fwmask()) : "")));
            if (pr.iif() != null) w.addAll(List.of("iif", pr.iif()));
            if (pr.oif() != null) w.addAll(List.of("oif", pr.oif()));
            w.addAll(List.of("table", pr.table()));
            sh.cmd(w);
        }
        if (sets) {
            sh.raw("step \"ipsets\"")
                    .raw("ipset save > \"$journal/ipset.save\"")
                    .raw("undo 'restore_ipsets'");
            // Sets that did not exist are destroyed on undo, after iptables (which may use them) is restored.
            for (String name : h.config().ipsets().keySet()) sh.cmd(List.of("note_new_ipset", name));
            sh.raw("ipset restore -exist < \"$here/ipset.restore\"");
        }
        if (ipt) {
            sh.raw("step \"iptables\"")
                    .raw("iptables-save > \"$journal/iptables.save\"")
                    .raw("undo 'iptables-restore < \"$journal/iptables.save\"'")
                    .raw("iptables-restore --noflush < \"$here/iptables.rules\"");
            for (Table t : h.config().iptables().tables().values()) {
                for (Chain c : t.chains()) {
                    if (!c.isBuiltin()) continue;
                    sh.cmd(List.of("iptables", "-w", "-t", t.name().label(), "-P", c.name(), c.policy().name()));
                    for (Rule r : c.rules()) {
                        List<String> w = new ArrayList<>(List.of("ensure_iptables_rule", t.name().label(), c.name()));
                        w.addAll(RuleSyntax.argv(r));
                        sh.cmd(w);
                    }
                }
            }
        }
        if (ipvs) {
            // ipvsadm has no transaction: delete our services (so a second run does not fail on
            // "Service already exists" and stale servers go), then load them in one -R.
            sh.raw("step \"ipvs\"")
                    .raw("ipvsadm -S -n > \"$journal/ipvsadm.save\"")
                    .raw("undo 'ipvsadm -C; ipvsadm -R < \"$journal/ipvsadm.save\"'");
            for (VirtualService v : h.config().ipvs().services()) {
                List<String> w = new ArrayList<>(List.of("ipvs_del_service"));
                w.addAll(List.of(v.key().toArgs().split(" ")));
                sh.cmd(w);
            }
            sh.raw("ipvsadm -R < \"$here/ipvsadm.rules\"");
        }
        sh.raw("applied=1").raw("say \"host " + comment(h.name()) + " applied\"");
        return sh.toString();
    }

    private static List<String> routeWords(Route r) {
        String dst = r.destination().length() == 0 ? "default" : r.destination().network().toString();
        String table = r.table() == null ? "main" : r.table();
        List<String> w = new ArrayList<>(List.of("ensure_route", dst, table));
        if (r.type() != null && r.type() != Route.Type.UNICAST) w.add(r.type().name().toLowerCase(Locale.ROOT));
        w.add(dst);
        if (r.via() != null) w.addAll(List.of("via", r.via().toString()));
        if (r.device() != null) w.addAll(List.of("dev", r.device()));
        if (r.src() != null) w.addAll(List.of("src", r.src().toString()));
        if (r.metric() > 0) w.addAll(List.of("metric", Integer.toString(r.metric())));
        if (r.table() != null && !r.table().equals("main")) w.addAll(List.of("table", r.table()));
        if (r.scope() != null) w.addAll(List.of("scope", r.scope().name().toLowerCase(Locale.ROOT)));
        return w;
    }

    /** Text for a '#' comment line: no newline can end the comment early. */
    private static String comment(String s) {
        return s.replaceAll("[\\r\\n]", " ");
    }

    /** Shell functions every apply.sh carries. Kept POSIX (dash, busybox sh). */
    private static final String PRELUDE = """
            say() { printf '%s\\n' "apply.sh: $*" >&2; }
            die() { say "$*"; exit 2; }
            step() { say "$*"; }
            need_tool() { command -v "$1" >/dev/null 2>&1 || die "missing tool: $1"; }
            need_module() { [ -d "/sys/module/$1" ] || modprobe "$1" 2>/dev/null || die "cannot load kernel module $1"; }
            need_link() { ip link show "$1" >/dev/null 2>&1 || die "no device $1 on this host (the scenario names it)"; }
            applied=0
            # The undo journal: each change that must be reverted on failure pushes its inverse.
            undo() { printf '%s\\n' "$1" >> "$journal/undo"; }
            # shq WORD: WORD quoted for eval (undo lines are eval'ed: names from the scenario stay data)
            shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
            rollback() {
                [ -f "$journal/undo" ] || return 0
                say "failed: undoing the changes made so far"
                # newest first
                sed -n '1!G;h;$p' "$journal/undo" > "$journal/undo.rev"
                while IFS= read -r u; do eval "$u" || say "undo step failed: $u"; done < "$journal/undo.rev"
            }
            on_exit() {
                rc=$?
                if [ "$applied" != 1 ]; then rollback; [ "$rc" = 0 ] && rc=1; fi
                rm -rf "$journal"
                exit "$rc"
            }
            set_sysctl() {
                old=$(sysctl -n "$1" 2>/dev/null) || die "no sysctl $1 on this kernel"
                [ "$old" = "$2" ] && return 0
                undo "sysctl -q -w $(shq "$1=$old")"
                sysctl -q -w "$1=$2" >/dev/null
            }
            ensure_link() {
                ip link show "$1" >/dev/null 2>&1 && { ip link set "$1" up; return 0; }
                ip link add "$1" type "$2"
                undo "ip link del $(shq "$1")"
                ip link set "$1" up
            }
            ensure_addr() {
                if ! ip -o addr show dev "$2" | grep -q " inet $1 "; then
                    ip addr add "$1" dev "$2" ${3:+scope "$3"}
                    undo "ip addr del $(shq "$1") dev $(shq "$2")"
                fi
            }
            # ensure_route DST TABLE ARGS...: add, or replace an existing route to DST (undo puts the old one back)
            ensure_route() {
                dst=$1; table=$2; shift 2
                old=$(ip route show table "$table" exact "$dst" 2>/dev/null | head -n 1)
                if [ -z "$old" ]; then
                    ip route add "$@"
                    undo "ip route del $(for a in "$@"; do shq "$a"; printf ' '; done)"
                else
                    ip route replace "$@"
                    undo "ip route replace $old table $(shq "$table")"
                fi
            }
            note_new_ipset() { ipset list -n | grep -qx "$1" || undo "ipset destroy $(shq "$1")"; }
            ensure_rule_prio() {
                prio=$1; shift
                if ! ip rule show | grep -q "^$prio:"; then
                    ip rule add priority "$prio" "$@"
                    undo "ip rule del priority $prio"
                fi
            }
            restore_ipsets() { ipset restore -exist < "$journal/ipset.save"; }
            ensure_iptables_rule() {
                t=$1; c=$2; shift 2
                iptables -w -t "$t" -C "$c" "$@" 2>/dev/null || iptables -w -t "$t" -A "$c" "$@"
            }
            ipvs_del_service() { ipvsadm -D "$@" 2>/dev/null || true; }
            """;
}
