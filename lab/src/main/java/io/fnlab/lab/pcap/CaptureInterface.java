package io.fnlab.lab.pcap;

/**
 * One interface of a capture file: a pcap file has exactly one (id 0), a pcapng section one per
 * Interface Description Block. {@code name} is the pcapng if_name option, or null.
 * {@code rawLinkType} keeps the number when {@code linkType} is UNSUPPORTED.
 */
public record CaptureInterface(int id, LinkType linkType, int rawLinkType, String name, int snaplen) {}
