package io.fnlab.model.format.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.Netns;
import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs random ipset command sequences against the real ipset in a fresh network namespace and
 * against fnlab: every command must fail or succeed alike with the same message, and the final
 * `ipset save` must read back to fnlab's sets and be rewritten byte for byte.
 */
@Tag("kernel")
class IpsetKernelTest {
    static final String[] TYPES = {"hash:ip", "hash:ip,port", "hash:ip,port,ip", "hash:ip,port,net", "hash:net", "hash:net,port",
            "bitmap:port"};

    static final Map<String, String> OLD = Map.of("hash:ip", "iphash", "hash:net", "nethash", "hash:ip,port", "ipporthash",
            "hash:ip,port,ip", "ipportiphash", "hash:ip,port,net", "ipportnethash", "hash:net,port", "netporthash", "bitmap:port", "portmap");

    @Test
    void randomCommandSequencesBehaveLikeTheRealIpset() {
        try (Netns ns = Netns.create("ipset", "ipset")) {
            for (long seed = 1; seed <= Long.getLong("fnlab.kernelSeeds", 50); seed++) {
                ns.exec("ipset", "destroy");
                HostConfigBuilder host = new HostConfigBuilder();
                Random rnd = new Random(seed);
                Map<String, String> types = new LinkedHashMap<>();
                for (int i = 0; i < 70; i++) {
                    List<String> cmd = command(rnd, types);
                    List<String> argv = new ArrayList<>(List.of("ipset"));
                    argv.addAll(cmd);
                    Netns.Result real = ns.exec(argv, null);
                    Optional<Diagnostic> d = new IpsetCommand().apply(host, cmd, SourceRef.of("seed" + seed, i + 1));
                    String ctx = "seed " + seed + " command " + i + ": ipset " + String.join(" ", cmd);
                    assertEquals(real.rc() == 0, d.isEmpty(), ctx + " real: " + real.err() + " fnlab: " + d);
                    if (real.rc() != 0) assertEquals(clean(real.err()), d.get().message(), ctx);
                    if (real.rc() == 0 && cmd.get(0).equals("create")) types.put(cmd.get(1), IpsetCommand.ALIASES.getOrDefault(cmd.get(2), cmd.get(2)));
                }
                String save = ns.exec("ipset", "save").out();
                LinkedHashMap<String, IpSet> read;
                try {
                    read = IpsetSave.read(save, "ipset-save");
                } catch (io.fnlab.model.parse.ParseError e) {
                    // The kernel can hold more than maxelem after a run of range adds and deletes, and
                    // then its own save does not restore ("Hash is full"): fnlab's reader must refuse
                    // exactly what the real `ipset restore` refuses.
                    // Known gap: mtype_add sums the element counts of every region only when the
                    // element's own region (hashsize / 1024 of them) holds its share of maxelem, so
                    // with more than one region an add may pass the limit, depending on the set's
                    // random initval. fnlab counts exactly. Anything else must be refused by both.
                    ns.exec("ipset", "destroy");
                    Netns.Result again = ns.exec(List.of("ipset", "restore"), save);
                    if (again.rc() == 0) {
                        assertTrue(e.getMessage().contains("Hash is full") && overfullMultiRegionSet(save),
                                "seed " + seed + ": the real ipset restores its save, fnlab says " + e.getMessage() + "\n" + save);
                        continue;
                    }
                    assertTrue(again.err().contains("Hash is full") && e.getMessage().contains("Hash is full"),
                            "seed " + seed + ": real " + again.err() + " fnlab " + e.getMessage());
                    continue;
                }
                assertEquals(save, IpsetSave.write(read.values()), "seed " + seed);
                // the kernel reuses a destroyed set's index for the next create; fnlab appends (documented gap)
                assertEquals(new java.util.TreeSet<>(host.ipsets.keySet()), new java.util.TreeSet<>(read.keySet()), "seed " + seed);
                for (IpSet mine : host.ipsets.values()) {
                    IpSet theirs = read.get(mine.name());
                    assertEquals(mine.type(), theirs.type(), mine.name());
                    Map<String, String> o = new LinkedHashMap<>(theirs.options());
                    o.remove("initval");
                    assertEquals(mine.options(), o, "seed " + seed + " set " + mine.name());
                    if (mine.type() == io.fnlab.model.ipset.SetType.BITMAP_PORT) assertEquals(mine.entries(), theirs.entries());
                    else assertEquals(new HashSet<>(mine.entries()), new HashSet<>(theirs.entries()), "seed " + seed + " set " + mine.name());
                }
            }
        }
    }

    @Test
    void generatedSetsRestoreAndSaveToTheSameText() {
        try (Netns ns = Netns.create("ipsetsave", "ipset")) {
            for (long seed = 1; seed <= 30; seed++) {
                ns.exec("ipset", "destroy");
                List<IpSet> sets = new ArrayList<>();
                Random r = new Random(seed);
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    IpSet g = IpsetFormatTest.build("set" + i, io.fnlab.model.ipset.SetType.values()[r.nextInt(7)], r.nextLong(),
                            r.nextInt(60000), r.nextInt(30));
                    // timeouts count down in the kernel; maxelem must hold the entries
                    Map<String, String> o = new LinkedHashMap<>(g.options());
                    o.remove("timeout");
                    if (o.containsKey("maxelem")) o.put("maxelem", "65536");
                    List<io.fnlab.model.ipset.SetEntry> e = new ArrayList<>();
                    for (io.fnlab.model.ipset.SetEntry x : g.entries()) e.add(new io.fnlab.model.ipset.SetEntry(x.elems(), null, x.comment(), x.nomatch()));
                    sets.add(new IpSet(g.name(), g.type(), o, e));
                }
                String text = IpsetSave.write(sets);
                Netns.Result res = ns.exec(List.of("ipset", "restore"), text);
                assertEquals(0, res.rc(), "seed " + seed + ": " + res.err() + "\n" + text);
                String save = ns.exec("ipset", "save").out();
                LinkedHashMap<String, IpSet> back = IpsetSave.read(save, "save");
                assertEquals(save, IpsetSave.write(back.values()), "seed " + seed);
                assertEquals(sets.size(), back.size());
                for (IpSet mine : sets) {
                    IpSet theirs = back.get(mine.name());
                    Map<String, String> o = new LinkedHashMap<>(theirs.options());
                    if (!mine.options().containsKey("initval")) o.remove("initval");
                    assertEquals(mine.options(), o, "seed " + seed);
                    assertEquals(new HashSet<>(mine.entries()), new HashSet<>(theirs.entries()), "seed " + seed + " " + mine.name());
                }
            }
        }
    }

    static String clean(String err) {
        StringBuilder sb = new StringBuilder();
        for (String l : err.split("\n")) {
            if (l.startsWith("Try `ipset help'")) continue;
            if (l.startsWith("ipset v")) l = l.substring(l.indexOf(": ") + 2);
            if (sb.length() > 0) sb.append('\n');
            sb.append(l);
        }
        return sb.toString();
    }

    static <T> T pick(Random r, List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    static List<String> command(Random r, Map<String, String> types) {
        List<String> names = List.of("s0", "s1", "s2", "s3");
        String name = pick(r, names);
        int p = r.nextInt(100);
        List<String> c = new ArrayList<>();
        if (p < 14 || types.isEmpty()) {
            String type = TYPES[r.nextInt(TYPES.length)];
            c.addAll(List.of("create", name, r.nextInt(8) == 0 ? OLD.get(type) : type));
            if (type.equals("bitmap:port")) {
                int a = r.nextInt(100), b = a + r.nextInt(40);
                if (r.nextInt(10) > 0) c.addAll(List.of("range", r.nextBoolean() ? a + "-" + b : b + "-" + a));
            } else {
                if (r.nextInt(3) == 0) c.addAll(List.of("hashsize", pick(r, List.of("0", "64", "100", "1024", "5000"))));
                if (r.nextInt(3) == 0) c.addAll(List.of("maxelem", pick(r, List.of("3", "10", "65536"))));
                if (type.equals("hash:ip") && r.nextInt(4) == 0) c.addAll(List.of("netmask", pick(r, List.of("24", "30", "32"))));
            }
            if (r.nextInt(5) == 0) c.addAll(List.of("timeout", "0"));
            if (r.nextInt(4) == 0) c.add("counters");
            if (r.nextInt(3) == 0) c.add("comment");
            if (r.nextInt(6) == 0) c.add("bogus");
            if (r.nextInt(5) == 0) c.add("-exist");
            return c;
        }
        String type = types.getOrDefault(name, pick(r, List.of(TYPES)));
        if (p < 64) {
            c.addAll(List.of("add", name, elem(r, type)));
            if (r.nextInt(5) == 0) c.addAll(List.of("comment", pick(r, List.of("c1", "two words", "x\"y"))));
            if (r.nextInt(6) == 0) c.add("nomatch");
            if (r.nextInt(8) == 0) c.addAll(List.of("timeout", "0"));
            // packet/byte counters are runtime state fnlab reads and drops: only "packets 0" keeps save byte-equal
            if (r.nextInt(8) == 0) c.addAll(List.of("packets", "0"));
            if (r.nextInt(4) == 0) c.add(r.nextBoolean() ? "-exist" : "-!");
        } else if (p < 80) {
            c.addAll(List.of("del", name, elem(r, type)));
            if (r.nextInt(4) == 0) c.add("-exist");
        } else if (p < 84) {
            c.add("flush");
            if (r.nextInt(4) > 0) c.add(name);
        } else if (p < 88) {
            c.addAll(List.of("destroy", name));
        } else if (p < 91) {
            c.addAll(List.of("rename", name, pick(r, names)));
        } else if (p < 94) {
            c.addAll(List.of("swap", name, pick(r, names)));
        } else {
            c.addAll(pick(r, List.of(List.of("add", name), List.of("create", "x9", "hash:foo"), List.of("add", name, "1.2.3.4,80,1.1.1.1,9"),
                    List.of("bogus"), List.of("create"), List.of("add", name, "10.0.0.1/33"), List.of("add", name, "10.0.0.1,99999"),
                    List.of("test", name, elem(r, type)), List.of("add", name, "10.0.0.1,foo:3"), List.of("add", name, "0.0.0.0/0"))));
        }
        return c;
    }

    static String ip(Random r) {
        return "10.0.0." + r.nextInt(8);
    }

    static String ipOrRange(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "10.0.0." + (r.nextInt(2) * 4) + "/30";
            case 1 -> "10.0.0.1-10.0.0." + (1 + r.nextInt(3));
            default -> ip(r);
        };
    }

    static String net(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "10.0." + r.nextInt(2) + ".0/24";
            case 1 -> "10.0.0." + (r.nextInt(4) * 16) + "/28";
            case 2 -> "10.0.0.0-10.0.0." + r.nextInt(12);
            case 3 -> "10.0.0." + r.nextInt(4) + "/31";
            default -> ip(r);
        };
    }

    static String port(Random r) {
        return pick(r, List.of("80", "tcp:80", "udp:53", "81-83", "sctp:9", "icmp:ping", "icmp:3/1", "gre:0", "tcp:http", "udplite:7"));
    }

    static String elem(Random r, String type) {
        if (r.nextInt(15) == 0) return pick(r, List.of("10.0.0.1", "10.0.0.1,80", "80", "10.0.0.0/24,80,10.0.0.1"));
        return switch (type) {
            case "hash:ip" -> ipOrRange(r);
            case "hash:ip,port" -> ipOrRange(r) + "," + port(r);
            case "hash:ip,port,ip" -> ipOrRange(r) + "," + port(r) + "," + ip(r);
            case "hash:ip,port,net" -> ip(r) + "," + port(r) + "," + net(r);
            case "hash:net" -> net(r);
            case "hash:net,port" -> net(r) + "," + port(r);
            default -> {
                int a = r.nextInt(150);
                yield r.nextInt(4) == 0 ? a + "-" + (a + r.nextInt(4)) : Integer.toString(a);
            }
        };
    }

    /** A set of the save with hashsize above 1024 (several regions) and more entries than its maxelem. */
    static boolean overfullMultiRegionSet(String save) {
        Map<String, int[]> sets = new LinkedHashMap<>(); // name -> {hashsize, maxelem, entries}
        for (String line : save.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length > 2 && w[0].equals("create")) {
                int[] v = {1024, 65536, 0};
                for (int i = 3; i + 1 < w.length; i++) {
                    if (w[i].equals("hashsize")) v[0] = Integer.parseInt(w[i + 1]);
                    if (w[i].equals("maxelem")) v[1] = Integer.parseInt(w[i + 1]);
                }
                sets.put(w[1], v);
            } else if (w.length > 2 && w[0].equals("add") && sets.containsKey(w[1])) {
                sets.get(w[1])[2]++;
            }
        }
        return sets.values().stream().anyMatch(v -> v[0] > 1024 && v[2] > v[1]);
    }
}
