package io.fnlab.model.format.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * `ipset test` as the real ipset (Linux 6.18, ipset 7) answers it; each case was first seen as a
 * difference in IpsetKernelTest's random command runs (the seed is named).
 */
class IpsetCommandTest {
    private final HostConfigBuilder host = new HostConfigBuilder();
    private int line;

    private Optional<Diagnostic> run(String... argv) {
        return new IpsetCommand().apply(host, List.of(argv), SourceRef.of("test.sh", ++line));
    }

    private void ok(String... argv) {
        Optional<Diagnostic> d = run(argv);
        assertTrue(d.isEmpty(), String.join(" ", argv) + ": " + d);
    }

    private String fails(String... argv) {
        Optional<Diagnostic> d = run(argv);
        assertTrue(d.isPresent(), String.join(" ", argv) + " should fail");
        return d.get().message();
    }

    @Test
    void aRangeInANetDimensionTestsItsFirstAddressAsAHost() {
        // seed 45: the uadt functions look up only the first element when testing
        ok("create", "s0", "hash:ip,port,net");
        ok("add", "s0", "10.0.0.1,udp:53,10.0.0.0/24");
        ok("test", "s0", "10.0.0.1,udp:53,10.0.0.0-10.0.0.5");
        ok("add", "s0", "10.0.0.2,udp:53,10.0.1.0/30");
        assertEquals("10.0.0.2,udp:53,10.0.1.4 is NOT in set s0.", fails("test", "s0", "10.0.0.2,udp:53,10.0.1.4-10.0.1.9"));
    }

    @Test
    void aNetGivenWithACidrMustBeThatEntryAndAnAddressTakesTheLongestPrefix() {
        // seed 149: mtype_test searches the prefix lengths only for host addresses
        ok("create", "q", "hash:ip,port,net");
        ok("add", "q", "10.0.0.0,tcp:80,10.0.1.0/24");
        ok("test", "q", "10.0.0.0,tcp:80,10.0.1.7");
        ok("test", "q", "10.0.0.0,tcp:80,10.0.1.9/24");
        // printed as written, not as its network
        assertEquals("10.0.0.0,tcp:80,10.0.1.3/31 is NOT in set q.", fails("test", "q", "10.0.0.0,tcp:80,10.0.1.3/31"));
    }

    @Test
    void rangesThatIpsetRefusesInATest() {
        ok("create", "p", "bitmap:port", "range", "100-200");
        ok("create", "n", "hash:ip,port,net");
        // seed 48 and 49: port ranges; bitmap:port has no family
        assertEquals("FROM-TO port range is not allowed in command test with set type bitmap:port and family unspec",
                fails("test", "p", "140-143"));
        assertEquals("FROM-TO port range is not allowed in command test with set type hash:ip,port,net and family inet",
                fails("test", "n", "10.0.0.6,81-83,10.0.1.0/24"));
        // seed 163: a CIDR where the type takes one address
        assertEquals("IP/CIDR range is not allowed in command test with set type hash:ip,port,net and family inet",
                fails("test", "n", "10.0.0.4/30,udp:53,10.0.0.1"));
        // seed 154: a missing part is reported before a range
        assertEquals("Syntax error: Third element is missing from 10.0.0.0-10.0.0.1,icmp:ping.",
                fails("test", "n", "10.0.0.0-10.0.0.1,icmp:ping"));
        // an ICMP type name holds a '-' and is no range
        assertEquals("10.0.0.1,icmp:echo-request,10.0.0.0 is NOT in set n.", fails("test", "n", "10.0.0.1,icmp:echo-request,10.0.0.0"));
    }

    @Test
    void aPortOutsideABitmapsRangeIsAMissWhenTested() {
        // seed 88: add refuses it as out of range, test answers "not in set"
        ok("create", "s2", "bitmap:port", "range", "100-120");
        assertEquals("130 is NOT in set s2.", fails("test", "s2", "130"));
        assertEquals("Element is out of the range of the set", fails("add", "s2", "130"));
    }
}
