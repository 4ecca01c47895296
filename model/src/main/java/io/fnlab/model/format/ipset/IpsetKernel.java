package io.fnlab.model.format.ipset;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.IpSetIndex;
import io.fnlab.model.ipset.SetType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel side of ipset (net/netfilter/ipset/ip_set_core.c and the type modules) applied to a
 * host's sets: one command line at a time, failing with the messages ipset prints. Sets being
 * changed are held in a mutable form and written back by {@link #commit()}, so that a long
 * restore stays linear.
 *
 * <p>Not modelled: the kernel lists sets by index and a new set takes the lowest free index
 * (ip_set_create), so after a destroy `ipset save` may list a new set before older ones; here
 * new sets are always listed last.
 */
final class IpsetKernel {
    private final Map<String, IpSet> target;
    private final Map<String, Work> work = new LinkedHashMap<>();

    IpsetKernel(Map<String, IpSet> target) {
        this.target = target;
    }

    /** A set being changed: entries keyed by their elements, in insertion order. */
    static final class Work {
        String name;
        final SetType type;
        final LinkedHashMap<String, String> options;
        final LinkedHashMap<List<SetElem>, SetEntry> entries = new LinkedHashMap<>();

        Work(String name, SetType type, Map<String, String> options) {
            this.name = name;
            this.type = type;
            this.options = new LinkedHashMap<>(options);
        }

        IpSet freeze() {
            List<SetEntry> list = new ArrayList<>(entries.values());
            // bitmap types are walked in bit order by the kernel's dump (bitmap_port.c mtype_list)
            if (type == SetType.BITMAP_PORT)
                list.sort(Comparator.comparingInt(e -> ((SetElem.Port) e.elems().get(0)).port()));
            return new IpSet(name, type, options, list);
        }

        long maxelem() {
            String m = options.get("maxelem");
            return m == null ? Long.MAX_VALUE : Long.parseLong(m);
        }
    }

    private Work get(String name) {
        Work w = work.get(name);
        if (w != null) return w;
        IpSet s = target.get(name);
        if (s == null) return null;
        w = new Work(s.name(), s.type(), s.options());
        for (SetEntry e : s.entries()) w.entries.put(e.elems(), e);
        work.put(name, w);
        return w;
    }

    private Work need(String name) {
        Work w = get(name);
        if (w == null) throw new ToolFailure("The set with the given name does not exist");
        return w;
    }

    boolean exists(String name) {
        return work.containsKey(name) || target.containsKey(name);
    }

    void create(String name, SetType type, LinkedHashMap<String, String> options, boolean exist) {
        Work old = get(name);
        if (old != null) {
            if (exist && old.type == type && sameCreate(old.options, options)) return;
            throw new ToolFailure("Set cannot be created: set with the same name already exists");
        }
        Work w = new Work(name, type, options);
        work.put(name, w);
        target.put(name, w.freeze());
    }

    /**
     * ip_set_create with -exist accepts an existing set of the same type when mtype_same_set
     * agrees: maxelem, timeout, netmask, extensions, bitmap range. The hash size is ignored
     * ("Resizing changes htable_bits, so we ignore it"), and so are bucketsize and initval.
     */
    private static boolean sameCreate(Map<String, String> a, Map<String, String> b) {
        Map<String, String> x = new LinkedHashMap<>(a), y = new LinkedHashMap<>(b);
        for (String k : new String[]{"initval", "hashsize", "bucketsize"}) {
            x.remove(k);
            y.remove(k);
        }
        return x.equals(y);
    }

    void add(String name, List<List<SetElem>> keys, Long timeout, String comment, boolean nomatch, boolean exist) {
        Work w = need(name);
        Long t = timeout;
        if (t == null && w.options.containsKey("timeout")) t = Long.parseLong(w.options.get("timeout"));
        for (List<SetElem> k : keys) {
            SetEntry e = new SetEntry(k, t, comment, nomatch);
            if (w.entries.containsKey(k)) {
                // mtype_add: an existing element has its extensions overwritten only with -exist
                if (!exist) throw new ToolFailure("Element cannot be added to the set: it's already added");
                w.entries.put(k, e);
                continue;
            }
            if (w.type != SetType.BITMAP_PORT && w.entries.size() >= w.maxelem())
                throw new ToolFailure("Hash is full, cannot add more elements");
            w.entries.put(k, e);
        }
    }

    void del(String name, List<List<SetElem>> keys, boolean exist) {
        Work w = need(name);
        for (List<SetElem> k : keys) {
            if (w.entries.remove(k) == null && !exist)
                throw new ToolFailure("Element cannot be deleted from the set: it's not added");
        }
    }

    boolean test(String name, List<SetElem> key) {
        Work w = need(name);
        return IpSetIndex.of(w.freeze()).contains(key);
    }

    void flush(String name) {
        if (name == null) {
            for (String n : new ArrayList<>(target.keySet())) need(n).entries.clear();
            return;
        }
        need(name).entries.clear();
    }

    void destroy(String name) {
        if (name == null) {
            target.clear();
            work.clear();
            return;
        }
        need(name);
        work.remove(name);
        target.remove(name);
    }

    void rename(String from, String to) {
        Work w = need(from);
        if (exists(to)) throw new ToolFailure("Set cannot be renamed: a set with the new name already exists");
        // the set keeps its place in the kernel's index, so it keeps its place in the listing
        Map<String, IpSet> copy = new LinkedHashMap<>();
        commit();
        for (Map.Entry<String, IpSet> e : target.entrySet())
            copy.put(e.getKey().equals(from) ? to : e.getKey(), e.getValue());
        target.clear();
        target.putAll(copy);
        work.remove(from);
        w.name = to;
        work.put(to, w);
    }

    void swap(String a, String b) {
        Work x = need(a);
        Work y = get(b);
        if (y == null) throw new ToolFailure("Sets cannot be swapped: the second set does not exist");
        if (x.type != y.type) throw new ToolFailure("The sets cannot be swapped: their type does not match");
        // ip_set_swap exchanges the sets behind the two names; names keep their places
        x.name = b;
        y.name = a;
        work.put(a, y);
        work.put(b, x);
    }

    Work peek(String name) {
        return get(name);
    }

    /** Writes the changed sets back, keeping the order of the target map. */
    void commit() {
        for (Map.Entry<String, Work> e : work.entrySet())
            if (target.containsKey(e.getKey())) target.put(e.getKey(), e.getValue().freeze());
    }
}
