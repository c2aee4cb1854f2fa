package org.opsbot.bot.slack.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Defence in depth at the places every outgoing payload passes (the outbox's message payload,
 * the answers to Slack's requests, opened modals): the bot never broadcasts, so a special
 * mention ({@code <!here>}, {@code <!channel>}, {@code <!everyone>}, {@code <!subteam^…>}, any
 * {@code <!…>} but a date) found in any string of a payload was let in by a call site that
 * forgot {@link SlackText}. It is turned back into the text it was, counted, and logged.
 */
public final class BroadcastGuard {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastGuard.class);
    // Slack's special mentions all start with <!; of them only dates are the bot's own.
    private static final Pattern SPECIAL = Pattern.compile("<!(?!date\\^\\d+\\^[^<>|]*(?:\\|[^<>]*)?>)([^<>]*)>");
    private static final long WARN_EVERY_MILLIS = 60_000;
    private static final AtomicLong NEUTRALISED = new AtomicLong();
    private static final AtomicLong LAST_WARNED = new AtomicLong();

    private BroadcastGuard() {
    }

    /** How many special mentions were neutralised since the process started. */
    public static long neutralised() {
        return NEUTRALISED.get();
    }

    /** {@code text} with every special mention but a date shown as text. */
    public static String neutralise(String text) {
        if (text == null || !text.contains("<!")) {
            return text;
        }
        Matcher m = SPECIAL.matcher(text);
        if (!m.find()) {
            return text;
        }
        m.reset();
        StringBuilder out = new StringBuilder(text.length() + 16);
        int count = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("&lt;!" + m.group(1) + "&gt;"));
            count++;
        }
        m.appendTail(out);
        found(count, text);
        return out.toString();
    }

    /** A JSON payload (a message, a view, an answer) with {@link #neutralise} applied to every string in it. */
    public static String neutraliseJson(String json) {
        if (json == null || !json.contains("<!") && !json.contains("\\u003c!")) {
            return json;
        }
        JsonElement tree;
        try {
            tree = JsonParser.parseString(json);
        } catch (RuntimeException notJson) {
            return neutralise(json);
        }
        return neutralise(tree).toString();
    }

    /** {@code tree} with {@link #neutralise} applied to every string in it (objects and arrays changed in place). */
    public static JsonElement neutralise(JsonElement tree) {
        if (tree == null || tree.isJsonNull()) {
            return tree;
        }
        if (tree.isJsonPrimitive()) {
            JsonPrimitive p = tree.getAsJsonPrimitive();
            if (!p.isString()) {
                return p;
            }
            String s = p.getAsString();
            String safe = neutralise(s);
            return safe.equals(s) ? p : new JsonPrimitive(safe);
        }
        if (tree.isJsonArray()) {
            JsonArray array = tree.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                array.set(i, neutralise(array.get(i)));
            }
            return array;
        }
        JsonObject object = tree.getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            e.setValue(neutralise(e.getValue()));
        }
        return object;
    }

    private static void found(int count, String text) {
        long total = NEUTRALISED.addAndGet(count);
        long now = System.currentTimeMillis();
        long last = LAST_WARNED.get();
        // Once a minute at most: a storm through a call site that forgot to escape is one problem.
        if (now - last >= WARN_EVERY_MILLIS && LAST_WARNED.compareAndSet(last, now)) {
            LOG.warn("A message held {} special mention(s) such as <!here> that opsbot never sends; they were shown as text "
                    + "({} so far). Some text from outside reached Slack without SlackText: \"{}\"", count, total,
                    SlackText.cut(text.replaceAll("\\s+", " "), 120));
        }
    }
}
