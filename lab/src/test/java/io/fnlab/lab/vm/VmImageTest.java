package io.fnlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmImageTest {
    static final String DEP = """
            kernel/net/netfilter/ipvs/ip_vs_rr.ko: kernel/net/netfilter/ipvs/ip_vs.ko kernel/net/netfilter/nf_conntrack.ko kernel/lib/libcrc32c.ko
            kernel/net/netfilter/ipvs/ip_vs.ko: kernel/net/netfilter/nf_conntrack.ko kernel/lib/libcrc32c.ko
            kernel/net/netfilter/nf_conntrack.ko: kernel/lib/libcrc32c.ko
            kernel/lib/libcrc32c.ko:
            kernel/crypto/crc32c_generic.ko:
            kernel/drivers/net/veth.ko:
            kernel/net/netfilter/xt_ipvs.ko.zst: kernel/net/netfilter/ipvs/ip_vs.ko kernel/net/netfilter/nf_conntrack.ko kernel/lib/libcrc32c.ko
            """;

    @Test
    void dependenciesComeFirstAndUnwantedModulesStayOut() {
        List<String> order = VmImage.loadOrder(VmImage.parseModulesDep(DEP), List.of("crc32c_generic", "ip_vs_.*", "xt_ipvs"));
        assertEquals(List.of("kernel/crypto/crc32c_generic.ko", "kernel/lib/libcrc32c.ko", "kernel/net/netfilter/nf_conntrack.ko",
                "kernel/net/netfilter/ipvs/ip_vs.ko", "kernel/net/netfilter/ipvs/ip_vs_rr.ko",
                "kernel/net/netfilter/xt_ipvs.ko.zst"), order);
    }

    @Test
    void patternsMatchWholeModuleNames() {
        Map<String, List<String>> deps = VmImage.parseModulesDep(DEP);
        // "ip_vs" must not pull in ip_vs_rr: patterns are anchored
        assertEquals(List.of("kernel/lib/libcrc32c.ko", "kernel/net/netfilter/nf_conntrack.ko", "kernel/net/netfilter/ipvs/ip_vs.ko"),
                VmImage.loadOrder(deps, List.of("ip_vs")));
        assertEquals("xt_ipvs", VmImage.moduleName("kernel/net/netfilter/xt_ipvs.ko.zst"));
        assertEquals("nf_conntrack", VmImage.moduleName("a/nf-conntrack.ko"));
    }

    @Test
    void theRealModuleListCoversWhatTheLabNeeds() {
        for (String m : List.of("ip_vs", "xt_ipvs", "nft_compat", "nf_tables", "veth", "bridge", "ip_set", "nft_chain_nat", "ipip", "dummy")) {
            assertTrue(VmImage.MODULES.stream().anyMatch(p -> m.matches(p)), m);
        }
    }
}
