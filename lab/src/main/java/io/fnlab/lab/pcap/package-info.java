/**
 * Packet captures: reading pcap/pcapng into normalised IPv4 records, and writing simulated
 * packets as pcap files that tcpdump and tshark read.
 *
 * <ul>
 *   <li>{@link io.fnlab.lab.pcap.CaptureStream} - the entry point for reading: an iterator of
 *       {@link io.fnlab.lab.pcap.CapturedPacket} over one file, with
 *       {@link io.fnlab.lab.pcap.CaptureStats} counting what is not IPv4. Streams: memory does
 *       not depend on the file's length.</li>
 *   <li>{@link io.fnlab.lab.pcap.CaptureFileReader} - the frame-level reader below it (pcap both
 *       byte orders, micro/nano; pcapng SHB/IDB/EPB/SPB/PB with if_name, if_tsresol,
 *       if_tsoffset, epb_flags). Damage is a {@code ParseError} with the byte offset.</li>
 *   <li>{@link io.fnlab.lab.pcap.PacketDecoder} - link layer (Ethernet, SLL, SLL2, raw IP) and
 *       IPv4/TCP/UDP/ICMP/IPIP to a record.</li>
 *   <li>{@link io.fnlab.lab.pcap.PcapWriter} + {@link io.fnlab.lab.pcap.PacketEncoder} - simulated
 *       {@code SkBuff}s to wire bytes with correct checksums, in a pcap file;
 *       {@link io.fnlab.lab.pcap.CapturedPacket#fromSkBuff} predicts what a capture of an SkBuff
 *       reads back as, which is what the comparison works on.</li>
 *   <li>{@link io.fnlab.lab.pcap.Pcap4jReader} - the same records through pcap4j/libpcap, kept as
 *       a cross-check; about 50 kpps against several Mpps (numbers in PcapBench, src/test).</li>
 * </ul>
 */
package io.fnlab.lab.pcap;
