package io.commucat.ccp.server.config;

import java.util.regex.Pattern;

/** Hides passwords in connection URLs before they are printed or put in an error. */
public final class Redaction {

    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^:/@]*):[^@/]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");

    private Redaction() {
    }

    /** {@code postgres://u:secret@h/db} → {@code postgres://u:***@h/db}; also {@code password=} parameters. */
    public static String url(String url) {
        String s = USERINFO_PASSWORD.matcher(url).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1***");
    }
}
