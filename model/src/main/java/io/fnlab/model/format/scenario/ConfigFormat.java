package io.fnlab.model.format.scenario;

import io.fnlab.model.scenario.HostConfigBuilder;

/**
 * A typed configuration file a scenario can apply to a host (`kind: iptables-save`, ...), found
 * with {@link java.util.ServiceLoader}: register implementations in
 * META-INF/services/io.fnlab.model.format.scenario.ConfigFormat.
 *
 * <p>apply reads text (from file, used for locations; line 1 of text is line 1 of the location)
 * and changes the host the way restoring it on a real host would. Problems the real tool reports
 * and goes on from become diagnostics on the builder; input fnlab cannot apply faithfully is a
 * ParseError; nothing else may be thrown.
 */
public interface ConfigFormat {
    String kind();

    void apply(HostConfigBuilder b, String text, String file);
}
