package io.fnlab.model.ipvs;

/** IP_VS_CONN_F_MASQ (-m), IP_VS_CONN_F_DROUTE (-g, the default), IP_VS_CONN_F_TUNNEL (-i). */
public enum ForwardMethod {
    MASQ("-m", "Masq"), GATE("-g", "Route"), IPIP("-i", "Tunnel");

    private final String flag;
    private final String listing;

    ForwardMethod(String flag, String listing) {
        this.flag = flag;
        this.listing = listing;
    }

    /** The ipvsadm option. */
    public String flag() {
        return flag;
    }

    /** The word `ipvsadm -Ln` prints in the Forward column. */
    public String listing() {
        return listing;
    }
}
