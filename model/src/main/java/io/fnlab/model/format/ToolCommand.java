package io.fnlab.model.format;

import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.List;
import java.util.Optional;

/**
 * One real tool's command line (iptables, ipset, ipvsadm, ip, sysctl, modprobe) applied to a
 * host's configuration the way the tool changes a kernel. argv excludes the tool name.
 *
 * <p>Returns the error the real tool would print when the command fails (the shell goes on, so
 * the script goes on); empty on success. Throws ParseError only for input fnlab cannot
 * faithfully apply (an existing iptables extension that fnlab does not model, say), so that
 * nothing is silently skipped.
 */
public interface ToolCommand {
    String tool();

    Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where);
}
