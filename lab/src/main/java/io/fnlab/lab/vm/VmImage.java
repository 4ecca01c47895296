package io.fnlab.lab.vm;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.probe.ProbeBinary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * A bootable lab VM: Debian's stock kernel (which has IPVS as modules, unlike the host's) plus a
 * busybox initramfs holding the netfilter/IPVS modules and the host's own userland tools with their
 * shared libraries. Built once and cached under {@code $FNLAB_CACHE/vm} (default
 * {@code ~/.cache/fnlab/vm}), keyed by the kernel package version and a hash of everything that
 * goes into the initramfs (init script, module and tool lists, probe source).
 */
public final class VmImage {

    /** Module basenames (regexes) loaded at boot; their modules.dep closure comes along. */
    static final List<String> MODULES = List.of(
            // libcrc32c (nf_conntrack, nf_nat, ip_vs) asks the crypto API for "crc32c": no request_module in here
            "crc32c_generic",
            "ip_vs", "ip_vs_.*", "xt_ipvs",
            "nf_conntrack", "nf_conntrack_netlink", "nf_nat", "nf_defrag_ipv4", "nf_reject_ipv4", "nf_log_syslog",
            "nfnetlink", "nfnetlink_log", "nfnetlink_queue",
            "x_tables", "ip_tables", "iptable_.*", "ipt_.*", "xt_.*",
            "ip_set", "ip_set_.*",
            "nf_tables", "nft_compat", "nft_chain_nat", "nft_ct", "nft_nat", "nft_masq", "nft_reject", "nft_reject_ipv4",
            "nft_limit", "nft_log", "nft_redir",
            "veth", "bridge", "dummy", "ipip", "tunnel4", "ip_tunnel");

    /** Host tools copied into the image (found on PATH; symlink names are kept). */
    static final List<String> TOOLS = List.of(
            // dash runs the jobs: Debian's static busybox sh prefers its own applets (its "ip") to PATH
            "busybox", "dash", "sh", "ip", "iptables", "iptables-save", "iptables-restore",
            "iptables-nft", "iptables-nft-save", "iptables-nft-restore",
            "iptables-legacy", "iptables-legacy-save", "iptables-legacy-restore",
            "ipset", "ipvsadm", "ipvsadm-save", "ipvsadm-restore", "tcpdump", "conntrack");

    /** Bump when the image layout changes, so old cache entries are not reused. */
    static final String LAYOUT = "2";
    static final String XTABLES_DIR = "/usr/lib/x86_64-linux-gnu/xtables";
    static final String DEFAULT_META_PACKAGE = "linux-image-amd64";

    private static String[] resolved;

    private final Path dir;
    private final String packageName;
    private final String packageVersion;
    private final String kernelVersion;
    private final long buildMillis;

    private VmImage(Path dir, String packageName, String packageVersion, String kernelVersion, long buildMillis) {
        this.dir = dir;
        this.packageName = packageName;
        this.packageVersion = packageVersion;
        this.kernelVersion = kernelVersion;
        this.buildMillis = buildMillis;
    }

    /** The ELF vmlinux when it could be unpacked (PVH boot), else the bzImage. */
    public Path kernel() {
        Path elf = dir.resolve("vmlinux");
        return Files.exists(elf) ? elf : dir.resolve("vmlinuz");
    }
    public Path initramfs() { return dir.resolve("initramfs.cpio.gz"); }
    public Path directory() { return dir; }
    public String packageName() { return packageName; }
    public String packageVersion() { return packageVersion; }
    /** uname -r inside the VM, e.g. 6.1.0-56-amd64. */
    public String kernelVersion() { return kernelVersion; }
    /** How long building took; 0 when the image came from the cache. */
    public long buildMillis() { return buildMillis; }

    /** $FNLAB_CACHE/vm, or ~/.cache/fnlab/vm. */
    public static Path defaultCacheDir() {
        return ProbeBinary.cacheRoot().resolve("vm");
    }

    /** Why the VM lab cannot work on this machine, or empty when it can (used by tests to skip). */
    public static java.util.Optional<String> unavailableReason() {
        for (String t : List.of("qemu-system-x86_64", "apt-get", "apt-cache", "dpkg-deb", "depmod", "gcc", "ldd")) {
            if (!Exec.onPath(t)) return java.util.Optional.of(t + " is not installed");
        }
        if (Files.isDirectory(defaultCacheDir()) && cachedImageExists()) return java.util.Optional.empty();
        try {
            kernelPackage();
        } catch (RuntimeException e) {
            return java.util.Optional.of("no Debian kernel package to boot (set FNLAB_KERNEL_PACKAGE on non-Debian hosts): "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return java.util.Optional.empty();
    }

    private static VmImage newestCached(Path cacheDir) {
        try (var st = Files.list(cacheDir)) {
            Path d = st.filter(x -> Files.exists(x.resolve("kernel-version")) && Files.exists(x.resolve("package"))
                            && Files.exists(x.resolve("initramfs.cpio.gz")))
                    .max(java.util.Comparator.comparing(x -> x.toFile().lastModified())).orElse(null);
            if (d == null) return null;
            String[] pv = Files.readString(d.resolve("package")).trim().split(" ");
            return new VmImage(d, pv[0], pv.length > 1 ? pv[1] : "?", Files.readString(d.resolve("kernel-version")).trim(), 0);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean cachedImageExists() {
        try (var st = Files.list(defaultCacheDir())) {
            return st.anyMatch(d -> Files.exists(d.resolve("kernel-version")));
        } catch (IOException e) {
            return false;
        }
    }

    public static VmImage ensure() {
        return ensure(defaultCacheDir());
    }

    /** Returns the cached image for the current Debian kernel package, building it when missing. */
    public static synchronized VmImage ensure(Path cacheDir) {
        String[] pv;
        try {
            pv = kernelPackage();
        } catch (RuntimeException noApt) {
            // offline, or apt knows no Debian kernel: the newest image already built will do
            VmImage cached = newestCached(cacheDir);
            if (cached == null) throw noApt;
            Progress.say("apt unavailable, using cached " + cached.directory());
            return cached;
        }
        String pkg = pv[0];
        String version = pv[1];
        String key = ProbeBinary.sha256(String.join("\n", LAYOUT, pkg, version, initScript(), String.join(",", MODULES),
                String.join(",", TOOLS), ProbeBinary.source())).substring(0, 12);
        Path dir = cacheDir.resolve(pkg + "_" + version + "_" + key);
        Path kv = dir.resolve("kernel-version");
        if (Files.exists(kv) && Files.exists(dir.resolve("vmlinuz")) && Files.exists(dir.resolve("initramfs.cpio.gz"))) {
            try {
                return new VmImage(dir, pkg, version, Files.readString(kv).trim(), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long t0 = System.nanoTime();
        Progress.say("building VM image from " + pkg + " " + version + " into " + dir);
        Path work = null;
        try {
            Files.createDirectories(cacheDir);
            work = Files.createTempDirectory(cacheDir, ".build-");
            String kver = build(pkg, work);
            Path staged = work.resolve("image");
            Files.writeString(staged.resolve("kernel-version"), kver + "\n");
            Files.writeString(staged.resolve("package"), pkg + " " + version + "\n");
            try {
                Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileSystemException raced) {
                // another JVM (a parallel test fork) finished the same image first: use theirs
                if (!Files.exists(kv)) throw raced;
                return new VmImage(dir, pkg, version, Files.readString(kv).trim(), 0);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Progress.say("VM image built in " + ms + " ms");
            return new VmImage(dir, pkg, version, kver, ms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Exec.deleteTree(work);
        }
    }

    static String initScript() {
        try (InputStream in = VmImage.class.getResourceAsStream("/io/fnlab/lab/vm/init.sh")) {
            if (in == null) throw new IllegalStateException("init.sh missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {package, version} of the kernel to boot; apt-cache takes seconds on a busy machine, so once per JVM. */
    static synchronized String[] kernelPackage() {
        if (resolved == null) {
            String p = System.getenv().getOrDefault("FNLAB_KERNEL_PACKAGE", "");
            if (p.isBlank()) p = resolveKernelPackage();
            resolved = new String[] {p, packageVersion(p)};
        }
        return resolved;
    }

    /** linux-image-amd64 depends on exactly one versioned image package; that is the one we boot. */
    static String resolveKernelPackage() {
        Exec.Result r = Exec.run(Duration.ofMinutes(1), null, "apt-cache", "depends", DEFAULT_META_PACKAGE);
        if (!r.ok() || !r.output().contains("Depends:")) {
            Exec.run(Duration.ofMinutes(5), null, "apt-get", "update");
            r = Exec.run(Duration.ofMinutes(1), null, "apt-cache", "depends", DEFAULT_META_PACKAGE);
        }
        Matcher m = Pattern.compile("Depends:\\s*(linux-image-[0-9][^\\s]*-amd64)").matcher(r.output());
        if (!m.find()) throw new IllegalStateException("cannot find the kernel package behind " + DEFAULT_META_PACKAGE + ":\n" + r.output());
        return m.group(1);
    }

    static String packageVersion(String pkg) {
        Exec.Result r = Exec.run(Duration.ofMinutes(1), null, "apt-cache", "show", "--no-all-versions", pkg);
        Matcher m = Pattern.compile("(?m)^Version:\\s*(\\S+)").matcher(r.output());
        if (!m.find()) throw new IllegalStateException("apt-cache show " + pkg + " gave no version:\n" + r.output());
        return m.group(1);
    }

    /** Downloads and unpacks the kernel package, writes image/{vmlinuz,initramfs.cpio.gz}; returns uname -r. */
    private static String build(String pkg, Path work) throws IOException {
        Path dl = Files.createDirectories(work.resolve("dl"));
        Exec.Result r = Exec.run(Duration.ofMinutes(10), dl, "apt-get", "download", pkg);
        if (!r.ok()) {
            Exec.run(Duration.ofMinutes(5), null, "apt-get", "update");
            Exec.check(Duration.ofMinutes(10), dl, "apt-get", "download", pkg);
        }
        Path deb;
        try (var s = Files.list(dl)) {
            deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("apt-get download " + pkg + " left no .deb"));
        }
        Path root = work.resolve("root");
        Exec.check(Duration.ofMinutes(5), null, "dpkg-deb", "-x", deb.toString(), root.toString());
        Path modRoot = root.resolve("lib/modules");
        if (!Files.isDirectory(modRoot)) modRoot = root.resolve("usr/lib/modules");
        String kver;
        try (var s = Files.list(modRoot)) {
            kver = s.map(p -> p.getFileName().toString()).findFirst()
                    .orElseThrow(() -> new IllegalStateException(pkg + " has no lib/modules/<version>"));
        }
        Path kmods = modRoot.resolve(kver);
        Path vmlinuz = root.resolve("boot/vmlinuz-" + kver);
        if (!Files.exists(vmlinuz)) throw new IllegalStateException(pkg + " has no boot/vmlinuz-" + kver);
        // The package ships no modules.dep (postinst runs depmod); make one for the unpacked tree.
        Path base = modRoot.getParent().getParent();
        Exec.check(Duration.ofMinutes(5), null, "depmod", "-b", base.toString(), kver);
        Map<String, List<String>> deps = parseModulesDep(Files.readString(kmods.resolve("modules.dep")));
        List<String> order = loadOrder(deps, MODULES);

        Path image = Files.createDirectories(work.resolve("image"));
        Files.copy(vmlinuz, image.resolve("vmlinuz"));
        unpackVmlinux(vmlinuz, root.resolve("boot/config-" + kver), image.resolve("vmlinux"), work);
        Path probe = ProbeBinary.compile(work.resolve("fnlab-probe"));
        try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(image.resolve("initramfs.cpio.gz")));
             GZIPOutputStream gz = new GZIPOutputStream(fo, 1 << 16);
             Cpio cpio = new Cpio(gz)) {
            Userland u = new Userland(cpio);
            u.mergedUsrLinks();
            for (String d : List.of("proc", "sys", "dev", "run", "tmp", "out", "root", "job", "etc/fnlab")) cpio.dir(d);
            cpio.file("init", initScript().getBytes(StandardCharsets.UTF_8), true);
            cpio.file("usr/bin/fnlab-probe", Files.readAllBytes(probe), true);
            for (String tool : TOOLS) u.addTool(tool);
            u.addTree(Path.of(XTABLES_DIR));
            for (String etc : List.of("/etc/protocols", "/etc/services", "/etc/ethertypes")) {
                if (Files.exists(Path.of(etc))) cpio.file(etc, Files.readAllBytes(Path.of(etc)), false);
            }
            cpio.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\ntcpdump:x:0:0:tcpdump:/root:/bin/sh\n"
                    .getBytes(StandardCharsets.UTF_8), false);
            cpio.file("etc/group", "root:x:0:\ntcpdump:x:0:\n".getBytes(StandardCharsets.UTF_8), false);
            cpio.file("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n".getBytes(StandardCharsets.UTF_8), false);
            StringBuilder list = new StringBuilder();
            StringBuilder dep = new StringBuilder();
            for (String m : order) {
                String rel = modulePlain(m);
                Path src = kmods.resolve(m);
                cpio.file("lib/modules/" + kver + "/" + rel, moduleBytes(src, work), false);
                list.append(rel).append('\n');
                dep.append(rel).append(':');
                for (String d : deps.get(m)) dep.append(' ').append(modulePlain(d));
                dep.append('\n');
            }
            cpio.file("etc/fnlab/modules", list.toString().getBytes(StandardCharsets.UTF_8), false);
            cpio.file("lib/modules/" + kver + "/modules.dep", dep.toString().getBytes(StandardCharsets.UTF_8), false);
            cpio.file("etc/fnlab/kernel-package", (pkg + "\n").getBytes(StandardCharsets.UTF_8), false);
        }
        return kver;
    }

    /**
     * Under TCG, unpacking the xz bzImage costs about as long as the rest of the boot. A kernel with
     * CONFIG_PVH boots from its ELF vmlinux straight away (qemu -kernel finds the PVH ELF note), so
     * unpack it once here. Anything unexpected just leaves the bzImage in use.
     */
    private static void unpackVmlinux(Path vmlinuz, Path config, Path out, Path work) throws IOException {
        if (!Files.exists(config) || !Files.readString(config).contains("\nCONFIG_PVH=y\n") || !Exec.onPath("xz")) return;
        byte[] z = Files.readAllBytes(vmlinuz);
        byte[] magic = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
        int at = -1;
        for (int i = 0; i + magic.length <= z.length && at < 0; i++) {
            if (java.util.Arrays.equals(z, i, i + magic.length, magic, 0, magic.length)) at = i;
        }
        if (at < 0) return;
        Path xz = work.resolve("vmlinux.xz");
        Files.write(xz, java.util.Arrays.copyOfRange(z, at, z.length));
        Path tmp = work.resolve("vmlinux");
        Exec.Result r = Exec.run(Duration.ofMinutes(2), work, "sh", "-c", "xz -dc --single-stream vmlinux.xz > vmlinux");
        byte[] head = new byte[4];
        if (r.ok() && Files.size(tmp) > 1_000_000) {
            try (InputStream in = Files.newInputStream(tmp)) {
                if (in.readNBytes(head, 0, 4) == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
                    Files.move(tmp, out);
                }
            }
        }
        Files.deleteIfExists(xz);
        Files.deleteIfExists(tmp);
    }

    private static String modulePlain(String rel) {
        return rel.replaceAll("\\.ko\\.(xz|zst|gz)$", ".ko");
    }

    /** busybox insmod wants plain .ko files; newer Debian kernels ship compressed ones. */
    private static byte[] moduleBytes(Path src, Path work) throws IOException {
        String n = src.getFileName().toString();
        if (n.endsWith(".ko")) return Files.readAllBytes(src);
        String tool = n.endsWith(".xz") ? "xz" : n.endsWith(".zst") ? "zstd" : "gzip";
        Path out = work.resolve("module.tmp");
        Files.deleteIfExists(out);
        Exec.check(Duration.ofMinutes(1), null, "sh", "-c", tool + " -dc '" + src + "' > '" + out + "'");
        return Files.readAllBytes(out);
    }

    /** modules.dep: "kernel/a/b.ko: kernel/c.ko kernel/d.ko" (paths relative to lib/modules/KVER). */
    static Map<String, List<String>> parseModulesDep(String text) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int c = line.indexOf(':');
            if (c < 0) continue;
            String rest = line.substring(c + 1).trim();
            deps.put(line.substring(0, c).trim(), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        return deps;
    }

    static String moduleName(String path) {
        String n = path.substring(path.lastIndexOf('/') + 1);
        return n.replaceAll("\\.ko(\\.(xz|zst|gz))?$", "").replace('-', '_');
    }

    /** The wanted modules and everything they need, each after its dependencies (what insmod requires). */
    static List<String> loadOrder(Map<String, List<String>> deps, List<String> wanted) {
        List<Pattern> pats = wanted.stream().map(Pattern::compile).toList();
        Set<String> done = new LinkedHashSet<>();
        for (Pattern pat : pats) {
            for (String m : deps.keySet()) {
                if (pat.matcher(moduleName(m)).matches()) visit(m, deps, done, new HashSet<>());
            }
        }
        return new ArrayList<>(done);
    }

    private static void visit(String m, Map<String, List<String>> deps, Set<String> done, Set<String> onPath) {
        if (done.contains(m) || !onPath.add(m)) return;
        for (String d : deps.getOrDefault(m, List.of())) visit(d, deps, done, onPath);
        done.add(m);
    }

    /** Copies host executables and their shared libraries (per ldd) at their real paths. */
    private static final class Userland {
        private final Cpio cpio;
        private final Set<String> added = new HashSet<>();

        Userland(Cpio cpio) {
            this.cpio = cpio;
        }

        /** On merged-/usr hosts /lib, /bin... are symlinks into /usr; mirror them so ldd's paths work. */
        void mergedUsrLinks() throws IOException {
            for (String top : List.of("bin", "sbin", "lib", "lib64")) {
                Path p = Path.of("/" + top);
                if (Files.isSymbolicLink(p)) {
                    cpio.symlink(top, Files.readSymbolicLink(p).toString());
                    added.add("/" + top);
                } else {
                    cpio.dir(top);
                }
            }
        }

        void addTool(String name) throws IOException {
            for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
                Path p = Path.of(dir, name);
                if (Files.exists(p)) {
                    add(p);
                    return;
                }
            }
            Progress.say("tool " + name + " not found on this host; the VM will not have it");
        }

        void addTree(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) return;
            try (var s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) add(p);
            }
        }

        void add(Path p) throws IOException {
            Path abs = p.toAbsolutePath().normalize();
            // resolve the parent directories (merged /usr) but keep the last component's symlink
            Path real = abs.getParent().toRealPath().resolve(abs.getFileName());
            String key = real.toString();
            if (!added.add(key)) return;
            if (Files.isSymbolicLink(real)) {
                Path target = Files.readSymbolicLink(real);
                cpio.symlink(key, target.toString());
                add(real.getParent().resolve(target));
                return;
            }
            if (!Files.isRegularFile(real)) return;
            byte[] data = Files.readAllBytes(real);
            cpio.file(key, data, Files.isExecutable(real));
            if (data.length > 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F') {
                for (String lib : ldd(real)) add(Path.of(lib));
            }
        }

        private static List<String> ldd(Path elf) {
            Exec.Result r = Exec.run(Duration.ofSeconds(30), null, "ldd", elf.toString());
            List<String> libs = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)(?:=>\\s*)?(/\\S+)\\s+\\(0x").matcher(r.output());
            while (m.find()) libs.add(m.group(1));
            return libs;
        }
    }
}
