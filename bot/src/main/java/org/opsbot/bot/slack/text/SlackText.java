package org.opsbot.bot.slack.text;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way text becomes Slack mrkdwn. Slack reads {@code <…>} as markup (a mention, a
 * broadcast such as {@code <!here>}, a user group, a channel, a link with any label) and decodes
 * {@code &amp;}, {@code &lt;} and {@code &gt;} once; so text from outside (alerts, people,
 * runbooks, program output, other systems' error messages) goes through {@link #escape} or one of
 * the functions built on it, and markup is only ever written here, from values checked here.
 *
 * <p>What stays live, by source: from alert sources and programs nothing ({@link #escape},
 * {@link #plain}, {@link #code}, {@link #block}); from people only user mentions ({@link #person}),
 * written back by the bot without their label. A broadcast is never written here at all, and
 * {@link BroadcastGuard} removes any that reaches an outgoing payload.
 *
 * <p>Formatting characters ({@code *}, {@code _}, {@code ~}, {@code `}) have no escape in
 * mrkdwn and stay: they can change how text looks, never whom it notifies or where it links.
 */
public final class SlackText {
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,20}");
    private static final Pattern CHANNEL_ID = Pattern.compile("[CGD][A-Z0-9]{2,20}");
    // A user mention as Slack sends it in a command's text (<@U123|ann>) or a message (<@U123>).
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]{2,20})(?:\\|[^<>]*)?>");
    // Scheme, a host, and no whitespace or control characters anywhere.
    private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://[^/?#\\s\\p{Cntrl}]+[^\\s\\p{Cntrl}]*");
    // Nothing Slack reads as markup (<, >, |, &) and no whitespace: safe inside <mailto:…|…>.
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()./-]{3,30}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final DateTimeFormatter FALLBACK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    // An instant as opsbot writes it into stored text (Instant.toString()).
    private static final Pattern INSTANT = Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?Z\\b");
    // Slack's date tokens: https://api.slack.com/reference/surfaces/formatting#date-formatting
    private static final Pattern DATE_FORMAT = Pattern.compile("[{}A-Za-z_ ,:./-]{1,100}");
    // Inline code ends at a backtick; a look-alike keeps the text readable.
    private static final char BACKTICK_LOOK_ALIKE = 'ˋ';

    private SlackText() {
    }

    // ---------------------------------------------------------------------------------------
    // Text from outside

    /** Any outside text as mrkdwn that shows it as it is: {@code &}, {@code <} and {@code >} escaped; null is empty. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * What a person typed, from the text Slack sends: Slack itself escapes {@code &}, {@code <}
     * and {@code >} in a slash command's text (mentions excepted), so this undoes that once.
     * The bot then keeps and shows what was typed ("R&D" stays "R&D", not "R&amp;amp;D"), and
     * escapes it once, like any outside text, wherever it is shown.
     */
    public static String typed(String fromSlack) {
        if (fromSlack == null) {
            return "";
        }
        // &amp; last, so that a typed "&lt;" (sent as "&amp;lt;") stays the four characters typed.
        return fromSlack.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** Outside text on one line (runs of whitespace become a space), cut to {@code max} characters of the original, escaped. */
    public static String plain(String text, int max) {
        return escape(cut(oneLine(text), max));
    }

    /**
     * A person's free text (an incident update, a reason): their user mentions, {@code <@U…>} or
     * {@code <@U…|name>} as Slack sends them, stay mentions and are written back as {@code <@U…>};
     * everything else is escaped, so a broadcast, a user group, a channel or a link whose label
     * hides its address shows as the text it was. Also for the engine's sentences (a refusal,
     * "acknowledged by &lt;@U…&gt;"): plain text whose only markup is the mentions it wrote.
     */
    public static String person(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = MENTION.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 16);
        int at = 0;
        while (m.find()) {
            out.append(escape(text.substring(at, m.start()))).append("<@").append(m.group(1)).append('>');
            at = m.end();
        }
        return out.append(escape(text.substring(at))).toString();
    }

    /** {@link #person} of at most {@code max} characters of the original, never cutting a mention in two. */
    public static String person(String text, int max) {
        if (text == null || text.length() <= max) {
            return person(text);
        }
        int end = Math.max(0, max - 1);
        Matcher m = MENTION.matcher(text);
        while (m.find() && m.start() < end) {
            if (m.end() > end) {
                end = m.start();
            }
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return person(text.substring(0, end) + "…");
    }

    /** Outside text as inline code: escaped, on one line, without a backtick that would end it. */
    public static String code(String text) {
        return "`" + escape(oneLine(text).replace('`', BACKTICK_LOOK_ALIKE)) + "`";
    }

    /** {@link #code} of at most {@code max} characters of the original. */
    public static String code(String text, int max) {
        return code(cut(oneLine(text), max));
    }

    /**
     * Outside text for a {@code plain_text} field (a button label, a header, an option, a modal
     * title): Slack does not read markup there, and angle brackets become look-alikes so that no
     * reading of the field could ever see any; on one line, cut to {@code max} characters.
     */
    public static String label(String text, int max) {
        return cut(oneLine(text).replace('<', '‹').replace('>', '›'), max);
    }

    /** Outside text, such as a program's output, as a code block. */
    public static String block(String text) {
        String body = escape(text == null ? "" : text).replace("```", "ˋˋˋ");
        return "```\n" + body + "\n```";
    }

    // ---------------------------------------------------------------------------------------
    // Markup the bot writes, from values checked here

    /** A mention of the user {@code id} when it is one; "someone" for none; anything else as text. */
    public static String user(String id) {
        if (id == null) {
            return "someone";
        }
        return USER_ID.matcher(id).matches() ? "<@" + id + ">" : escape(id);
    }

    /** A link to the channel {@code id} when it is one; otherwise its name (e.g. {@code #alerts}) as text. */
    public static String channel(String idOrName) {
        if (idOrName == null) {
            return "";
        }
        return CHANNEL_ID.matcher(idOrName).matches() ? "<#" + idOrName + ">" : escape(idOrName);
    }

    /**
     * A link the bot makes: {@code label} (escaped) pointing at {@code url} when that is an
     * absolute http(s) URL, else only the label. The URL cannot end the link early or carry a
     * label of its own: the characters Slack reads as markup are percent-encoded.
     */
    public static String link(String url, String label) {
        String shown = escape(label);
        if (url == null || !HTTP_URL.matcher(url).matches()) {
            return shown;
        }
        String safe = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace("&", "&amp;");
        return "<" + safe + "|" + shown + ">";
    }

    /** A {@code mailto:} link to {@code address} when it is a plain e-mail address; otherwise the text. */
    public static String email(String address) {
        if (address == null || !EMAIL.matcher(address).matches()) {
            return escape(address);
        }
        return "<mailto:" + address + "|" + address + ">";
    }

    /**
     * A {@code tel:} link to {@code number} (dialled as its digits and a leading +) when it is a
     * phone number of digits and the usual separators; otherwise the text.
     */
    public static String phone(String number) {
        if (number == null || !PHONE.matcher(number).matches()) {
            return escape(number);
        }
        String dialled = (number.startsWith("+") ? "+" : "") + number.replaceAll("[^0-9]", "");
        return "<tel:" + dialled + "|" + number + ">";
    }

    /** A time every reader sees in their own zone ("Nov 22 at 03:00"); the fallback (notifications, old clients) is UTC. */
    public static String date(Instant at) {
        return date(at, "{date_short_pretty} {time}", FALLBACK.format(at));
    }

    /**
     * Text opsbot wrote, escaped as {@link #escape} does, with each ISO-8601 instant in it
     * ({@code 2026-12-06T02:00:00Z}, as the engine writes times into what it stores: an approval
     * request's plan, an outcome, a refusal) shown as a {@link #date(Instant) Slack date}, so each
     * reader sees it in their own time zone, like every other time the bot shows.
     */
    public static String dated(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = INSTANT.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 32);
        int last = 0;
        while (m.find()) {
            Instant at;
            try {
                at = Instant.parse(m.group());
            } catch (java.time.format.DateTimeParseException e) {
                continue; // not a real time (month 13): left as written
            }
            out.append(escape(text.substring(last, m.start()))).append(date(at));
            last = m.end();
        }
        return out.append(escape(text.substring(last))).toString();
    }

    /** {@link #date(Instant)} of epoch milliseconds. */
    public static String date(long epochMillis) {
        return date(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * A time in Slack's {@code format} (e.g. {@code {time}}) with {@code fallback} for clients
     * that cannot show it; a format that is not made of Slack's date tokens is refused.
     */
    public static String date(Instant at, String format, String fallback) {
        if (!DATE_FORMAT.matcher(format).matches()) {
            throw new IllegalArgumentException("not a Slack date format: " + format);
        }
        return "<!date^" + at.getEpochSecond() + "^" + format + "|" + escape(fallback) + ">";
    }

    // ---------------------------------------------------------------------------------------
    // Limits

    /** Text of at most {@code max} characters, ending in "…" when cut, never splitting a surrogate pair. */
    public static String cut(String text, int max) {
        if (text == null) {
            return "";
        }
        if (text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /**
     * Mrkdwn of at most {@code max} characters, ending in "…" when cut. Unlike {@link #cut} it
     * never cuts through markup: an escape ({@code &amp;}) or a token ({@code <!date^…>},
     * {@code <@U…>}) that would be split is left out whole.
     */
    public static String fit(String mrkdwn, int max) {
        if (mrkdwn == null) {
            return "";
        }
        if (mrkdwn.length() <= max) {
            return mrkdwn;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(mrkdwn.charAt(end - 1))) {
            end--;
        }
        int open = mrkdwn.lastIndexOf('<', end - 1);
        if (open >= 0 && mrkdwn.lastIndexOf('>', end - 1) < open) {
            end = open;
        }
        int amp = mrkdwn.lastIndexOf('&', end - 1);
        if (amp >= 0 && end - amp <= 5) {
            int semicolon = mrkdwn.indexOf(';', amp);
            if (semicolon >= end && semicolon - amp <= 5) {
                end = amp;
            }
        }
        return mrkdwn.substring(0, end) + "…";
    }

    private static String oneLine(String text) {
        return text == null ? "" : WHITESPACE.matcher(text).replaceAll(" ").strip();
    }
}
