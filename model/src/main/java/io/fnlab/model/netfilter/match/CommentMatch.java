package io.fnlab.model.netfilter.match;

/** xt_comment: always matches; carries text for people (256 bytes at most in the kernel). */
public record CommentMatch(String text) implements Match {
    public String module() {
        return "comment";
    }
}
