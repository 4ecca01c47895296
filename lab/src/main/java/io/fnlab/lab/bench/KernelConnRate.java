package io.fnlab.lab.bench;

import io.fnlab.lab.netns.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real kernel's rate of establishing connections through an IPVS masq service, measured in
 * two fresh network namespaces (client, node) joined by a veth pair: the node has the ClusterIP
 * on a dummy kube-ipvs0 (on lo where the kernel has no dummy driver), an IPVS rr service to a local listener, vs/conntrack=1 and a
 * MASQUERADE as kube-proxy's IPVS mode sets them. A Python client opens and resets
 * ({@code SO_LINGER 0}, no TIME_WAIT) connections in a loop for a fixed time. The figure therefore
 * includes the user-space cost of socket calls, as any real connection rate does.
 * Namespaces are named fnlab-bench-*-PID and always deleted; the root namespace is not touched.
 */
public final class KernelConnRate {
    /** Connections established, seconds taken, and the kernel path: "ipvs", or "iptables-dnat" where the kernel has no IPVS. */
    public record Result(long connections, double seconds, String path) {
        public double perSecond() {
            return connections / Math.max(1e-9, seconds);
        }
    }

    private KernelConnRate() {}

    /** Why the kernel cannot be measured here, or null when it can. */
    public static String unavailable() {
        if (!Exec.isRoot()) return "not root: network namespaces need CAP_NET_ADMIN";
        for (String t : new String[] {"ip", "ipvsadm", "iptables", "python3"})
            if (!Exec.onPath(t)) return t + " is not installed";
        return null;
    }

    public static Result measure(double seconds) {
        String why = unavailable();
        if (why != null) throw new IllegalStateException(why);
        long pid = ProcessHandle.current().pid();
        String c = "fnlab-bench-c-" + pid, n = "fnlab-bench-n-" + pid;
        String script = """
                set -e
                C=%s; N=%s; SECS=%s
                cleanup() { ip netns del $C 2>/dev/null || true; ip netns del $N 2>/dev/null || true; }
                trap cleanup EXIT
                ip netns add $C; ip netns add $N
                ip link add bc$$ netns $C type veth peer name bn$$ netns $N
                ip -n $C link set lo up; ip -n $N link set lo up
                ip -n $C addr add 192.168.0.100/24 dev bc$$; ip -n $C link set bc$$ up
                ip -n $N addr add 192.168.0.10/24 dev bn$$; ip -n $N link set bn$$ up
                ip -n $C route add 10.96.0.0/12 via 192.168.0.10
                if ip -n $N link add kube-ipvs0 type dummy 2>/dev/null; then VDEV=kube-ipvs0; ip -n $N link set kube-ipvs0 up; else VDEV=lo; fi
                ip -n $N addr add 10.96.0.10/32 dev $VDEV
                ip netns exec $N sysctl -qw net.ipv4.ip_forward=1
                if ip netns exec $N ipvsadm -A -t 10.96.0.10:80 -s rr 2>/dev/null; then
                  MODE=ipvs
                  ip netns exec $N sysctl -qw net.ipv4.vs.conntrack=1
                  ip netns exec $N iptables -t nat -A POSTROUTING -m ipvs --vaddr 10.96.0.10 -j MASQUERADE || true
                  ip netns exec $N ipvsadm -a -t 10.96.0.10:80 -r 192.168.0.10:8080 -m
                else
                  # this kernel has no IPVS: kube-proxy's iptables-mode path (DNAT in nat PREROUTING) instead
                  MODE=iptables-dnat
                  ip netns exec $N iptables -t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 192.168.0.10:8080
                fi
                ip netns exec $N python3 -c '
                import socket
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", 8080)); s.listen(4096)
                while True:
                    c, _ = s.accept(); c.close()
                ' &
                SRV=$!
                sleep 0.5
                ip netns exec $C python3 -c '
                import socket, struct, time, sys
                secs = float(sys.argv[1]); n = 0
                lin = struct.pack("ii", 1, 0)
                end = time.perf_counter() + secs; t0 = time.perf_counter()
                while time.perf_counter() < end:
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lin)
                    s.connect(("10.96.0.10", 80)); s.close(); n += 1
                print(n, time.perf_counter() - t0, sys.argv[2])
                ' $SECS $MODE
                kill $SRV 2>/dev/null || true
                wait 2>/dev/null || true
                """.formatted(c, n, Double.toString(seconds));
        Path f = null;
        try {
            f = Files.createTempFile("fnlab-bench-kernel", ".sh");
            Files.writeString(f, script);
            Exec.Result r = Exec.run(Duration.ofSeconds((long) seconds + 60), null, "bash", f.toString());
            if (!r.ok()) throw new IllegalStateException("kernel measurement failed: " + r.output().strip());
            String[] lines = r.output().strip().split("\n");
            String[] w = lines[lines.length - 1].trim().split("\\s+");
            return new Result(Long.parseLong(w[0]), Double.parseDouble(w[1]), w[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (f != null) try { Files.deleteIfExists(f); } catch (IOException ignored) { }
            Exec.run(Duration.ofSeconds(10), null, "ip", "netns", "del", c);
            Exec.run(Duration.ofSeconds(10), null, "ip", "netns", "del", n);
        }
    }
}
