package io.fnlab.cli;

import picocli.CommandLine.Option;

/** --format text|json for the commands that print one report: the same words and the same error everywhere. */
final class ReportFormat {
    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text or json (default ${DEFAULT-VALUE})")
    String format;

    /** True for json; a UserError (exit 2) for anything but text or json. */
    boolean json() {
        return isJson(format);
    }

    static boolean isJson(String format) {
        if (!format.equals("text") && !format.equals("json")) throw new UserError("--format must be text or json, not '" + format + "'");
        return format.equals("json");
    }
}
