package io.fnlab.sim.explain;

/** The little HTML this package writes: escaping and the page frame (inline CSS, no scripts, no external resources). */
final class Html {
    private Html() {}

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title) + "</title>\n"
                + "<style>\n"
                + "body{font-family:sans-serif;margin:16px;color:#222;background:#fff}\n"
                + "pre{font-family:monospace;font-size:12px;background:#f6f6f6;padding:8px;overflow:auto}\n"
                + "svg text{font-family:monospace}\n"
                + "table.modes{border-collapse:collapse;font-size:12px}\n"
                + "table.modes td,table.modes th{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}\n"
                + "table.modes td div{font-family:monospace;white-space:pre-wrap}\n"
                + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }
}
