package io.fnlab.model.format.iptables;

/**
 * One long option of an extension: its canonical name (what errors name), the names getopt
 * accepts for it, how many argument words it takes and whether "!" may precede it.
 */
record Opt(String name, int nargs, boolean invertible, String... aliases) {
    boolean answersTo(String n) {
        if (name.equals(n)) return true;
        for (String a : aliases) if (a.equals(n)) return true;
        return false;
    }

    boolean prefixedBy(String p) {
        if (name.startsWith(p)) return true;
        for (String a : aliases) if (a.startsWith(p)) return true;
        return false;
    }
}
