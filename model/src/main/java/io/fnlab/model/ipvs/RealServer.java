package io.fnlab.model.ipvs;

import io.fnlab.model.net.Ipv4;

/** -a -r ADDR:PORT with its forwarding method, weight (default 1) and thresholds (0 = none). */
public record RealServer(Ipv4 address, int port, ForwardMethod method, int weight, int upperThreshold,
                         int lowerThreshold) {
    public RealServer withWeight(int w) {
        return new RealServer(address, port, method, w, upperThreshold, lowerThreshold);
    }
}
