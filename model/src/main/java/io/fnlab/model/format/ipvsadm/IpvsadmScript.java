package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.List;

/**
 * A shell script of modprobe and ipvsadm lines, like seed 001's /etc/ipvsadm.conf. The reader
 * runs it through {@link ModprobeCommand} and {@link IpvsadmCommand}; a line ipvsadm would refuse
 * is a ParseError here (a config file should apply cleanly), and so is any other command.
 * The writer emits servers oldest first, so that the kernel's head insertion rebuilds the same
 * order, and --set only when the timeouts differ from the kernel's defaults.
 */
public final class IpvsadmScript {
    private IpvsadmScript() {}

    public static IpvsConfig read(String text, String file) {
        HostConfigBuilder h = new HostConfigBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            List<String> w = ShellWords.split(lines[i], where);
            if (w.isEmpty()) continue;
            if (w.get(0).equals("sudo")) w = w.subList(1, w.size());
            if (w.isEmpty()) continue;
            var d = switch (w.get(0)) {
                case "ipvsadm", "/sbin/ipvsadm", "/usr/sbin/ipvsadm" -> new IpvsadmCommand().apply(h, w.subList(1, w.size()), where);
                case "modprobe", "/sbin/modprobe" -> new ModprobeCommand().apply(h, w.subList(1, w.size()), where);
                default -> throw new ParseError(where.atColumn(lines[i].indexOf(w.get(0)) + 1),
                        "expected an ipvsadm or modprobe command, got '" + w.get(0) + "'");
            };
            if (d.isPresent()) throw new ParseError(where, d.get().tool() + ": " + d.get().message());
        }
        return h.ipvs.toConfig();
    }

    public static String write(IpvsConfig c) {
        StringBuilder sb = new StringBuilder();
        for (String m : c.modules()) sb.append("modprobe ").append(m).append('\n');
        sb.append("ipvsadm -C\n");
        if (!c.timeouts().equals(IpvsConfig.Timeouts.DEFAULT))
            sb.append("ipvsadm --set ").append(c.timeouts().tcp()).append(' ').append(c.timeouts().tcpFin()).append(' ')
                    .append(c.timeouts().udp()).append('\n');
        for (VirtualService v : c.services()) {
            String svc = v.key().toArgs();
            sb.append("ipvsadm -A ").append(svc).append(" -s ").append(v.scheduler());
            if (v.persistence() != null) sb.append(" -p ").append(v.persistence());
            if (!v.netmask().equals(VirtualService.DEFAULT_NETMASK)) sb.append(" -M ").append(v.netmask());
            String f = IpvsadmSave.flags(v);
            if (!f.isEmpty()) sb.append(" -b ").append(f);
            sb.append('\n');
            List<RealServer> s = v.servers();
            for (int i = s.size() - 1; i >= 0; i--) {
                RealServer r = s.get(i);
                sb.append("ipvsadm -a ").append(svc).append(" -r ").append(r.address()).append(':').append(r.port()).append(' ')
                        .append(r.method().flag()).append(" -w ").append(r.weight());
                if (r.upperThreshold() != 0) sb.append(" -x ").append(r.upperThreshold());
                if (r.lowerThreshold() != 0) sb.append(" -y ").append(r.lowerThreshold());
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
