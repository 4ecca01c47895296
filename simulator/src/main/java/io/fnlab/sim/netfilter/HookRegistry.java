package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Hook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A host's registered hook functions, per hook in priority order, exactly as nf_register_net_hook
 * keeps them (equal priorities keep registration order). The packet path only walks this list:
 * it knows nothing of tables, conntrack or IPVS.
 */
public final class HookRegistry {
    private final Map<Hook, HookOps[]> byHook = new EnumMap<>(Hook.class);

    public HookRegistry() {
        for (Hook h : Hook.values()) byHook.put(h, new HookOps[0]);
    }

    public void register(HookOps ops) {
        List<HookOps> l = new ArrayList<>(List.of(byHook.get(ops.hook())));
        l.add(ops);
        l.sort(Comparator.comparingInt(HookOps::priority)); // stable: equal priorities keep order
        byHook.put(ops.hook(), l.toArray(HookOps[]::new));
    }

    public void unregister(String owner) {
        for (Hook h : Hook.values()) {
            byHook.put(h, java.util.Arrays.stream(byHook.get(h)).filter(o -> !o.owner().equals(owner))
                    .toArray(HookOps[]::new));
        }
    }

    /** The ops of a hook in the order they run. The array is shared: do not modify. */
    public HookOps[] ops(Hook hook) {
        return byHook.get(hook);
    }

    public List<HookOps> all() {
        List<HookOps> l = new ArrayList<>();
        for (Hook h : Hook.values()) l.addAll(List.of(byHook.get(h)));
        return l;
    }
}
