package io.fnlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.Exec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioAndTarTest {
    @TempDir
    Path tmp;

    @Test
    void cpioIsReadableByTheRealCpio() throws Exception {
        Assumptions.assumeTrue(Exec.onPath("cpio"), "cpio is not installed");
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (Cpio c = new Cpio(bo)) {
            c.symlink("lib", "usr/lib");
            c.file("lib/modules/x.ko", "abc".getBytes(StandardCharsets.UTF_8), false);
            c.file("job/job.sh", "echo hi\n".getBytes(StandardCharsets.UTF_8), true);
        }
        assertEquals(0, bo.size() % 4);
        Path f = tmp.resolve("a.cpio");
        Files.write(f, bo.toByteArray());
        String list = Exec.check(Duration.ofSeconds(10), tmp, "sh", "-c", "cpio -tv < a.cpio 2>/dev/null");
        // the symlink stays a symlink: no "lib" directory entry is written after it
        assertTrue(list.lines().anyMatch(l -> l.startsWith("l") && l.contains("lib -> usr/lib")), list);
        assertTrue(list.lines().noneMatch(l -> l.startsWith("d") && l.endsWith(" lib")), list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("job/job.sh")), list);
    }

    @Test
    void outputsComeBackFromBase64TarBetweenMarkers() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out/case1"));
        Files.writeString(out.resolve("flow-c.jsonl"), "{\"x\":1}\n");
        byte[] bin = new byte[1500];
        for (int i = 0; i < bin.length; i++) bin[i] = (byte) i;
        Files.write(out.resolve("client.pcap"), bin);
        Exec.check(Duration.ofSeconds(10), tmp, "tar", "-C", tmp.resolve("out").toString(), "-cf", "o.tar", ".");
        String b64 = Base64.getMimeEncoder().encodeToString(Files.readAllBytes(tmp.resolve("o.tar")));
        String serial = "noise\r\nFNLAB-OUT-BEGIN\r\n" + b64.replace("\r\n", "\r\n") + "\r\nFNLAB-OUT-END\r\n";
        Map<String, byte[]> files = VmBackend.decodeOutputs(serial);
        assertEquals("{\"x\":1}\n", new String(files.get("case1/flow-c.jsonl"), StandardCharsets.UTF_8));
        assertArrayEquals(bin, files.get("case1/client.pcap"));
        assertEquals(Map.of(), VmBackend.decodeOutputs("FNLAB-OUT-BEGIN\n(the VM died here)"));
    }
}
