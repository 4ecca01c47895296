package io.fnlab.model.format.scenario;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays a command script (what the seeds show: iptables, ipset, ipvsadm, ip, sysctl, modprobe
 * lines, as typed at a prompt or kept in /etc/sysconfig/ipvsadm) on a host, one command at a
 * time, each through the {@link ToolCommand} registered for its name.
 *
 * <p>The shell subset: comments, blank lines, backslash-newline continuation, quotes (words via
 * {@link ShellWords}), commands separated by newline, ';', '&&' and '||' (with the shell's
 * meaning: after '&&' a command runs only if the previous one succeeded, i.e. the tool reported
 * no ERROR), a leading `sudo`, redirections to /dev/null (dropped), and prompt decorations
 * copied from a terminal (`[root@host ~]# `, `root@host:/dir# `, `$ `), which are stripped.
 * Anything else a shell would do (pipes, `$VAR`, `$(..)`, here-documents, background jobs,
 * subshells) is a ParseError: fnlab does not guess what it would have expanded to.
 */
public final class HostScript {
    /** How a command is joined to the one before it. */
    public enum Connector { SEQUENCE, AND, OR }

    /**
     * One simple command: its words (tool name first), where it starts, its connector, and the
     * /proc/sys file its output is written to (`echo 1 > /proc/sys/net/ipv4/ip_forward`), or null.
     */
    public record Command(List<String> words, SourceRef where, Connector connector, String writesTo) {
        public Command {
            words = List.copyOf(words);
        }

        public Command(List<String> words, SourceRef where, Connector connector) {
            this(words, where, connector, null);
        }

        public String name() {
            return words.get(0);
        }
    }

    /** Commands that do not change kernel networking state: reported as INFO and skipped. */
    public static final Set<String> HARMLESS = Set.of("echo", "printf", "curl", "wget", "ping", "cat", "ls", "true",
            "sleep", "lsmod", "grep", "head", "tail", "less", "more", "tcpdump", "ss", "netstat", "nc", "telnet", "dig",
            "nslookup", "apt-get", "apt", "yum", "dnf", "uname", "whoami", "id", "date", "pwd", "cd", "clear", "history",
            "ps", "free", "uptime", "ipvsadm-save", "iptables-save", "ipset-save", "which", "man");

    /** Tools fnlab expects a ToolCommand for; a missing one is a clear error, not "unknown command". */
    public static final List<String> CONFIG_TOOLS = List.of("iptables", "ipset", "ipvsadm", "ip", "sysctl", "modprobe");

    private static volatile HostScript discovered;

    private final Map<String, ToolCommand> tools;

    public HostScript(Map<String, ToolCommand> tools) {
        this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(tools));
    }

    /** The runner with every ToolCommand on the class path; when two claim one tool the first wins. */
    public static HostScript discovered() {
        HostScript h = discovered;
        if (h == null) {
            Map<String, ToolCommand> m = new LinkedHashMap<>();
            for (ToolCommand t : ServiceLoader.load(ToolCommand.class, ToolCommand.class.getClassLoader()))
                m.putIfAbsent(t.tool(), t);
            discovered = h = new HostScript(m);
        }
        return h;
    }

    public Map<String, ToolCommand> tools() {
        return tools;
    }

    /** Splits and runs text (from file) on b. Diagnostics go to b.diagnostics. */
    public void run(HostConfigBuilder b, String text, String file) {
        run(b, parse(text, file));
    }

    /** Runs already split commands in order, with the shell's '&&'/'||' short-circuiting. */
    public void run(HostConfigBuilder b, List<Command> commands) {
        boolean lastOk = true;
        for (Command c : commands) {
            boolean runs = switch (c.connector()) {
                case SEQUENCE -> true;
                case AND -> lastOk;
                case OR -> !lastOk;
            };
            if (!runs) {
                b.diagnostics.add(new Diagnostic(Diagnostic.Severity.INFO, c.where(), c.name(),
                        "not run: the command before it " + (lastOk ? "succeeded" : "failed") + " ("
                                + (c.connector() == Connector.AND ? "&&" : "||") + ")"));
                continue;
            }
            lastOk = dispatch(b, c);
        }
    }

    /** Runs one command; true when it succeeded (no ERROR diagnostic). */
    private boolean dispatch(HostConfigBuilder b, Command c) {
        String name = c.name();
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (c.writesTo() != null) return writeProcSys(b, c, base);
        ToolCommand tool = tools.get(base);
        if (tool != null) {
            Optional<Diagnostic> d;
            try {
                d = tool.apply(b, c.words().subList(1, c.words().size()), c.where());
            } catch (ParseError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ParseError(c.where(), "fnlab's model of '" + base + "' failed on this command (a bug in fnlab): " + e);
            }
            if (d == null || d.isEmpty()) return true;
            // Keep the failing command's words: findings quote them and read the chain name from them.
            b.diagnostics.add(d.get().command() != null ? d.get() : d.get().withCommand(String.join(" ", c.words())));
            return d.get().severity() != Diagnostic.Severity.ERROR;
        }
        if (HARMLESS.contains(base)) {
            b.diagnostics.add(new Diagnostic(Diagnostic.Severity.INFO, c.where(), base, "not a configuration command, skipped"));
            return true;
        }
        if (CONFIG_TOOLS.contains(base))
            throw new ParseError(c.where(), "no model of '" + base + "' is installed in this fnlab build; cannot apply: "
                    + String.join(" ", c.words()));
        if (base.equals("ip6tables") || base.equals("ip6tables-restore"))
            throw new ParseError(c.where(), "'" + base + "': fnlab models IPv4 only");
        throw new ParseError(c.where(), "'" + base + "' is not a command fnlab can replay (it may change kernel state); "
                + "configuration commands: " + String.join(", ", tools.isEmpty() ? CONFIG_TOOLS : List.copyOf(tools.keySet()))
                + "; skipped as harmless: echo, curl, ping and other read-only tools");
    }

    /**
     * `echo VALUE > /proc/sys/a/b/c` is how older LVS guides set sysctls; it is replayed as
     * `sysctl -w a.b.c=VALUE` through the sysctl model (or stored directly when none is installed).
     */
    private boolean writeProcSys(HostConfigBuilder b, Command c, String base) {
        List<String> args = c.words().subList(1, c.words().size());
        if (!base.equals("echo") || args.isEmpty() || args.get(0).startsWith("-") && !args.get(0).equals("-n"))
            throw new ParseError(c.where(), "only `echo VALUE > " + c.writesTo() + "` is replayed as a sysctl write");
        if (args.get(0).equals("-n")) args = args.subList(1, args.size());
        if (args.isEmpty()) throw new ParseError(c.where(), "`echo` writes no value to " + c.writesTo());
        String key = io.fnlab.model.sysctl.Sysctls.normalise(c.writesTo().substring("/proc/sys/".length()));
        String value = String.join(" ", args);
        ToolCommand sysctl = tools.get("sysctl");
        if (sysctl == null) {
            b.sysctls.put(key, value);
            return true;
        }
        return dispatch(b, new Command(List.of("sysctl", "-w", key + "=" + value), c.where(), c.connector(), null));
    }

    // ---------------------------------------------------------------------------------------
    // Splitting

    private static final Pattern PROMPT = Pattern.compile(
            "^[ \\t]*(?:\\[[^\\]\\n]*@[^\\]\\n]*\\][ \\t]*[#$]|[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^\\s#$]*[#$]|\\$)[ \\t]+");

    /** Splits text into commands with their locations (1-based line and column in file). */
    public static List<Command> parse(String text, String file) {
        return new Splitter(text, file).run();
    }

    /** A character-level scanner of the shell subset; keeps each kept character's position. */
    private static final class Splitter {
        private final String s;
        private final String file;
        private final List<Command> out = new ArrayList<>();
        private final StringBuilder buf = new StringBuilder();
        private final List<int[]> pos = new ArrayList<>();
        private int i, line = 1, col = 1;
        private Connector pending = Connector.SEQUENCE;
        private boolean pendingOpen; // a '&&' or '||' waits for its right-hand command
        private String writesTo; // the /proc/sys file the current command's output goes to

        Splitter(String text, String file) {
            this.s = text.replace("\r\n", "\n");
            this.file = file;
        }

        List<Command> run() {
            atLineStart();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                        advance();
                        advance();
                        continue;
                    }
                    keep();
                    if (i < s.length()) keep();
                } else if (c == '\'') {
                    singleQuoted();
                } else if (c == '"') {
                    doubleQuoted();
                } else if (c == '#' && atWordStart()) {
                    while (i < s.length() && s.charAt(i) != '\n') advance();
                } else if (c == '\n') {
                    end(Connector.SEQUENCE, true);
                    advance();
                    atLineStart();
                } else if (c == ';') {
                    if (peek(1) == ';') throw error("';;' is not a command separator");
                    end(Connector.SEQUENCE, false);
                    advance();
                } else if (c == '&') {
                    if (peek(1) == '&') {
                        end(Connector.AND, false);
                        advance();
                        advance();
                    } else if (peek(1) == '>') {
                        redirection();
                    } else {
                        throw error("'&' (background job) is not replayed");
                    }
                } else if (c == '|') {
                    if (peek(1) == '|') {
                        end(Connector.OR, false);
                        advance();
                        advance();
                    } else {
                        throw error("pipes ('|') are not replayed; write the command without one");
                    }
                } else if (c == '>' || c == '<') {
                    redirection();
                } else if (c == '$') {
                    dollar();
                    keep();
                } else if (c == '`') {
                    throw error("command substitution (`...`) is not replayed");
                } else if ((c == '(' || c == ')') && atWordStart()) {
                    throw error("subshells and function definitions are not replayed");
                } else {
                    keep();
                }
            }
            end(Connector.SEQUENCE, true);
            if (pendingOpen) throw new ParseError(new SourceRef(file, line, col), "the script ends after '&&' or '||'");
            return out;
        }

        private void singleQuoted() {
            int startLine = line, startCol = col;
            keep();
            while (i < s.length() && s.charAt(i) != '\'') keep();
            if (i >= s.length()) throw new ParseError(new SourceRef(file, startLine, startCol), "unterminated single quote");
            keep();
        }

        private void doubleQuoted() {
            int startLine = line, startCol = col;
            keep();
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i);
                if (c == '\\' && peek(1) == '\n') {
                    advance();
                    advance();
                } else if (c == '\\') {
                    keep();
                    if (i < s.length()) keep();
                } else if (c == '`') {
                    throw error("command substitution (`...`) is not replayed");
                } else if (c == '$') {
                    dollar();
                    keep();
                } else {
                    keep();
                }
            }
            if (i >= s.length()) throw new ParseError(new SourceRef(file, startLine, startCol), "unterminated double quote");
            keep();
        }

        /** '$' followed by a name, '{' or '(' would be expanded by a shell: refuse. */
        private void dollar() {
            char n = peek(1);
            if (n == '(') throw error("command substitution '$(...)' is not replayed");
            if (n == '{' || n == '_' || Character.isLetterOrDigit(n) || "?#@*!$-".indexOf(n) >= 0 && n != 0)
                throw error("shell expansion of '$" + n + "...' is not replayed; write the value out");
        }

        /**
         * [n]>file, [n]>>file, [n]>&m, &>file, [n]<file. Only output thrown away (/dev/null or
         * another descriptor) is accepted, and dropped: it does not change what the command does.
         */
        private void redirection() {
            SourceRef at = new SourceRef(file, line, col);
            // an fd number written right before '>' belongs to the redirection, not the command
            int k = buf.length();
            while (k > 0 && Character.isDigit(buf.charAt(k - 1))) k--;
            boolean fd1 = true;
            if (k < buf.length() && (k == 0 || Character.isWhitespace(buf.charAt(k - 1)))) {
                fd1 = buf.substring(k).equals("1");
                buf.setLength(k);
                while (pos.size() > k) pos.remove(pos.size() - 1);
            }
            if (s.charAt(i) == '<') throw new ParseError(at, "input redirection and here-documents are not replayed");
            if (s.charAt(i) == '&') {
                fd1 = false;
                advance();
            }
            advance(); // '>'
            boolean append = false;
            if (peek(0) == '>') {
                append = true;
                advance();
            }
            boolean dup = false;
            if (peek(0) == '&') {
                dup = true;
                advance();
            }
            while (peek(0) == ' ' || peek(0) == '\t') advance();
            int st = i;
            while (i < s.length() && " \t\n;&|<>".indexOf(s.charAt(i)) < 0) advance();
            String target = s.substring(st, i);
            boolean ok = dup ? target.matches("[0-9]+|-") : target.equals("/dev/null");
            if (!ok && !dup && !append && fd1 && target.matches("/proc/sys/[A-Za-z0-9_./-]+") && !target.contains("..")) {
                if (writesTo != null) throw new ParseError(at, "two output redirections in one command");
                writesTo = target;
                return;
            }
            if (!ok) throw new ParseError(at, "redirection to '" + target + "' is not replayed (only output to /dev/null is dropped,"
                    + " and `echo VALUE > /proc/sys/...` is replayed as a sysctl write)");
        }

        private boolean atWordStart() {
            return buf.length() == 0 || Character.isWhitespace(buf.charAt(buf.length() - 1));
        }

        private void atLineStart() {
            if (buf.toString().isBlank()) {
                Matcher m = PROMPT.matcher(s).region(i, s.length());
                if (m.lookingAt()) {
                    // only if the prompt is followed by a command on the same line
                    int e = m.end();
                    if (e < s.length() && s.charAt(e) != '\n') while (i < e) advance();
                }
            }
        }

        private void end(Connector next, boolean newline) {
            String text = buf.toString();
            if (text.isBlank() && writesTo != null) throw error("a redirection without a command");
            if (text.isBlank()) {
                if (newline && pendingOpen) {
                    // "a &&<newline> b": the shell reads on
                } else if (!newline || next != Connector.SEQUENCE) {
                    throw error("syntax error: an empty command before '" + describe(next, newline) + "'");
                }
            } else {
                emit(text);
                pending = next;
                pendingOpen = next != Connector.SEQUENCE;
            }
            buf.setLength(0);
            pos.clear();
            writesTo = null;
        }

        private static String describe(Connector c, boolean newline) {
            return switch (c) {
                case AND -> "&&";
                case OR -> "||";
                case SEQUENCE -> newline ? "end of line" : ";";
            };
        }

        private void emit(String text) {
            int first = 0;
            while (Character.isWhitespace(text.charAt(first))) first++;
            int[] p0 = pos.get(first);
            SourceRef where = new SourceRef(file, p0[0], p0[1]);
            List<String> words;
            try {
                words = ShellWords.split(text, new SourceRef(file, p0[0], 0));
            } catch (ParseError e) {
                int c = e.where().column();
                int[] p = c > 0 && c - 1 < pos.size() ? pos.get(c - 1) : p0;
                throw new ParseError(new SourceRef(file, p[0], p[1]), e.problem());
            }
            if (words.isEmpty()) return;
            if (words.get(0).equals("sudo")) {
                if (words.size() < 2) throw new ParseError(where, "'sudo' without a command");
                if (words.get(1).startsWith("-")) throw new ParseError(where, "sudo options are not replayed: " + words.get(1));
                words = words.subList(1, words.size());
            }
            if (words.get(0).contains("=") && !words.get(0).startsWith("="))
                throw new ParseError(where, "variable assignments ('" + words.get(0) + "') are not replayed");
            out.add(new Command(words, where, pending, writesTo));
            pending = Connector.SEQUENCE;
            pendingOpen = false;
        }

        private char peek(int ahead) {
            int k = i + ahead;
            return k < s.length() ? s.charAt(k) : 0;
        }

        private void keep() {
            buf.append(s.charAt(i));
            pos.add(new int[] {line, col});
            advance();
        }

        private void advance() {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
            i++;
        }

        private ParseError error(String msg) {
            return new ParseError(new SourceRef(file, line, col), msg);
        }
    }
}
