package io.fnlab.lab.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A writer for the "newc" cpio format the kernel unpacks into rootfs (init/initramfs.c). Written in
 * Java so every entry is owned by root whoever builds the image, and parents always come first.
 */
public final class Cpio implements AutoCloseable {
    private final OutputStream out;
    private long written;
    private int ino = 1000;
    private final Set<String> dirs = new HashSet<>();

    public Cpio(OutputStream out) {
        this.out = out;
    }

    public void dir(String path) throws IOException {
        path = strip(path);
        if (path.isEmpty() || dirs.contains(path)) return;
        int slash = path.lastIndexOf('/');
        if (slash > 0) dir(path.substring(0, slash));
        dirs.add(path);
        entry(path, 0040755, new byte[0]);
    }

    public void file(String path, byte[] data, boolean executable) throws IOException {
        path = strip(path);
        parents(path);
        entry(path, executable ? 0100755 : 0100644, data);
    }

    public void symlink(String path, String target) throws IOException {
        path = strip(path);
        parents(path);
        // a symlinked directory (merged /usr: lib -> usr/lib) must not be replaced by a real one later;
        // the kernel's unpacker follows it for deeper paths
        dirs.add(path);
        entry(path, 0120777, target.getBytes(StandardCharsets.UTF_8));
    }

    private void parents(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) dir(path.substring(0, slash));
    }

    private static String strip(String p) {
        while (p.startsWith("/")) p = p.substring(1);
        return p;
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        int[] fields = {ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0};
        for (int f : fields) h.append(String.format("%08x", f));
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) write(new byte[1]);
    }

    /** Writes the trailer; the stream itself is the caller's to close. */
    @Override
    public void close() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.flush();
    }
}
