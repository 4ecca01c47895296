package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.IpvsMatch;
import io.fnlab.model.netfilter.match.LimitMatch;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleSyntaxTest {
    static Rule parse(String s) {
        return RuleSyntax.parse(ShellWords.split(s, SourceRef.UNKNOWN), SourceRef.of("t", 7));
    }

    static String save(String s) {
        return RuleSyntax.format(parse(s));
    }

    @Test
    void implicitProtocolMatchIsLoadedWhereItsOptionAppears() {
        Rule r = parse("-m comment --comment c -s 1.2.3.4 -p tcp --dport 1 -j ACCEPT");
        assertEquals(List.of(new AddrMatch(AddrMatch.Direction.SRC, Prefix.parse("1.2.3.4/32"), false),
                new ProtoMatch(Protocol.TCP, false)), r.matches().subList(0, 2));
        assertEquals("-s 1.2.3.4/32 -p tcp -m comment --comment c -m tcp --dport 1 -j ACCEPT", RuleSyntax.format(r));
        assertEquals(SourceRef.of("t", 7), r.source());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-s 10.1.2.3/24 -d 1.1.1.1                       | -s 10.1.2.0/24 -d 1.1.1.1/32",
            "-p tcp --syn                                    | -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN",
            "-p tcp ! --dport 80 ! --sport 22                | -p tcp -m tcp ! --sport 22 ! --dport 80",
            "-p tcp --dp 5                                   | -p tcp -m tcp --dport 5",
            "-p tcp --dport=http                             | -p tcp -m tcp --dport 80",
            "-j MARK --set-mark 1                            | -j MARK --set-xmark 0x1/0xffffffff",
            "-j MARK --and-mark 0xff                         | -j MARK --set-xmark 0x0/0xffffff00",
            "-j CONNMARK --save-mark --mask 0xff             | -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff",
            "-m limit --limit 120/minute                     | -m limit --limit 2/sec",
            "-m limit                                        | -m limit --limit 3/hour",
            "-m statistic --mode random --probability 0.5    | -m statistic --mode random --probability 0.50000000000",
            "-m ipvs --ipvs --vaddr 10.1.1.1 --vproto tcp    | -m ipvs --vproto 6 --vaddr 10.1.1.1",
            "-m ipvs ! --ipvs                                | -m ipvs ! --ipvs",
            "-m ipvs --vmethod masq --vdir reply --vport 80  | -m ipvs --vport 80 --vdir REPLY --vmethod MASQ",
            "-m ipvs ! --vaddr 10.0.0.0/8 ! --vportctl 21    | -m ipvs ! --vaddr 10.0.0.0/8 ! --vportctl 21",
            "-m set --match-set KUBE-CLUSTER-IP dst,dst      | -m set --match-set KUBE-CLUSTER-IP dst,dst",
            "-j LOG --log-prefix 'drop: ' --log-level warning| -j LOG --log-prefix \"drop: \"",
            "-m comment --comment \"it's\"                   | -m comment --comment \"it\\'s\"",
            "-p icmp --icmp-type echo-request                | -p icmp -m icmp --icmp-type 8",
            "-p 4                                            | -p ipencap",
            "-p all                                          | ''",
            "-i +                                            | ''",
            "-s 0.0.0.0/0                                    | ''",
            "-j SNAT --to 5.6.7.8                            | -j SNAT --to-source 5.6.7.8",
            "-p udp -j DNAT --to-destination 1.2.3.4-1.2.3.9:53-60 --random | -p udp -j DNAT --to-destination 1.2.3.4-1.2.3.9:53-60 --random",
            "-g KUBE-SVC-X                                   | -g KUBE-SVC-X",
    })
    void printsAsIptablesSave(String in, String out) {
        assertEquals(out.strip(), save(in.strip()));
    }

    @Test
    void canonicalFormIsWhatTheKernelKeeps() {
        assertEquals(new LimitMatch(2, "sec", 5), parse("-m limit --limit 120/minute").matches().get(0));
        assertEquals(new IpvsMatch(List.of(new IpvsMatch.VProto(Protocol.TCP, false))), parse("-m ipvs --ipvs --vproto tcp").matches().get(0));
        Mark m = (Mark) parse("-j MARK --or-mark 0x4000").target();
        assertEquals(0x4000, m.value());
        assertEquals(0x4000, m.mask());
        assertEquals(new TcpMatch(null, null, null, null, false), parse("-p tcp --sport 0:65535").matches().get(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-p tcp -m recent --set            | 11 | match 'recent' is not modelled by fnlab",
            "-j TPROXY --on-port 1             | 4  | target 'TPROXY' is not modelled by fnlab",
            "-j CT --zone 1                    | 7  | option '--zone' of target 'CT' is not modelled by fnlab",
            "-p sctp --dport 1                 | 9  | match 'sctp' is not modelled by fnlab",
            "-m bogus                          | 4  | Couldn't load match `bogus':No such file or directory",
            "-p tcp --d 5                      | 8  | unknown option \"--d\"",
            "! -m mark --mark 1                | 3  | unexpected ! flag before --match",
            "-m mark --mark 1 !                | 18 | nothing appropriate following !",
            "-s 1.1.1.1 -s 2.2.2.2             | 12 | multiple -s flags not allowed",
            "-s 256.1.1.1                      | 4  | host/network `256.1.1.1' not found",
            "-p tcp --dport 90:80              | 8  | invalid portrange (min > max)",
            "-m tcp --dport 1                  | 4  | TCP match requires '-p tcp'",
            "-j REJECT --reject-with foo       | 11 | unknown reject type \"foo\"",
            "-m statistic --mode nth --every 3 | 4  | statistic: option \"--every\" also requires \"--packet\".",
            "-j MARK --set-mark 1 --or-mark 2  | 22 | MARK: option \"--set-mark\" cannot be used together with \"--or-mark\".",
            "bogus                             | 1  | Bad argument `bogus'",
            "-A INPUT                          | 1  | option \"-A\" is not part of a rule specification",
            "-s 1.1.1.1,2.2.2.2                | 0  | -s/-d with several addresses makes 2 rules; one rule expected",
    })
    void errorsSayWhereAndWhat(String in, int column, String message) {
        ParseError e = assertThrows(ParseError.class, () -> RuleSyntax.parse(ShellWords.split(in.strip(), SourceRef.UNKNOWN), SourceRef.of("t", 2)));
        assertEquals(message, e.problem());
        assertEquals(new SourceRef("t", 2, column), e.where());
    }

    @Test
    void commaListsExpandSourceMajor() {
        List<Rule> rs = RuleSyntax.parseAll(List.of("-s", "1.1.1.1,2.2.2.2", "-d", "3.3.3.3,4.4.4.4"), SourceRef.UNKNOWN);
        assertEquals(List.of("-s 1.1.1.1/32 -d 3.3.3.3/32", "-s 1.1.1.1/32 -d 4.4.4.4/32", "-s 2.2.2.2/32 -d 3.3.3.3/32",
                "-s 2.2.2.2/32 -d 4.4.4.4/32"), rs.stream().map(RuleSyntax::format).toList());
    }
}
