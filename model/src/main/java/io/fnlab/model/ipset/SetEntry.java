package io.fnlab.model.ipset;

import java.util.List;

/** An entry: one element per dimension of the set type; timeout and comment when given. */
public record SetEntry(List<SetElem> elems, Long timeout, String comment, boolean nomatch) {
    public SetEntry {
        elems = List.copyOf(elems);
    }

    public static SetEntry of(SetElem... e) {
        return new SetEntry(List.of(e), null, null, false);
    }
}
