package routes.failure;

import java.util.regex.Pattern;

/**
 * Credentials in source URLs ({@code https://user:token@host/repo.git}, {@code ?access_token=...}) are needed to
 * fetch, never to be shown: every text a client, an event or a log line carries passes through here first. The
 * job row keeps the URL as given, because the worker needs it.
 */
public final class Redaction {

    /** The user-info of any URL: scheme, then anything up to an {@code @} before the host. */
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s]+@");
    /** Query parameters that carry secrets by their usual names (OAuth, signed S3 URLs, API keys). */
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)([?&](?:access_token|token|api_key|apikey"
            + "|key|password|secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\\s\"]*");

    private Redaction() {
    }

    public static String redact(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        return SECRET_PARAMETER.matcher(USER_INFO.matcher(text).replaceAll("$1***@")).replaceAll("$1***");
    }
}
