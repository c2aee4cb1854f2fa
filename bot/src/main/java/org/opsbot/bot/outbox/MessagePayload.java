package org.opsbot.bot.outbox;

import org.opsbot.bot.slack.text.BroadcastGuard;
import org.opsbot.bot.slack.text.SlackText;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.util.json.GsonFactory;

/**
 * A {@link SlackMessage} as stored in the outbox: JSON with {@code text}, {@code blocks} and
 * {@code attachments}, already cut to Block Kit's limits so Slack never refuses a message for
 * its size (a refused alert is a lost alert), and with no broadcast in any of its strings but
 * the one a {@linkplain SlackMessage#hereAnnouncement() here announcement} asks for.
 */
final class MessagePayload {
    static final int MAX_BLOCKS = 50;
    static final int MAX_TEXT = 4_000;
    static final int MAX_SECTION_TEXT = 3_000;
    static final int MAX_FIELDS = 10;
    static final int MAX_FIELD_TEXT = 2_000;
    static final int MAX_HEADER_TEXT = 150;
    static final int MAX_BUTTON_TEXT = 75;
    static final int MAX_CONTEXT_ELEMENTS = 10;
    static final int MAX_ACTION_ELEMENTS = 25;

    private static final Gson GSON = GsonFactory.createSnakeCase();
    private static final String HERE = "<!here> ";

    private final JsonObject json;

    private MessagePayload(JsonObject json) {
        this.json = json;
    }

    /** An App Home or modal view as the Web API takes it. */
    static String viewJson(com.slack.api.model.view.View view) {
        return GSON.toJson(view);
    }

    static String toJson(SlackMessage message) {
        JsonObject o = new JsonObject();
        o.addProperty("text", cut(message.text(), MAX_TEXT));
        o.add("blocks", clampBlocks(GSON.toJsonTree(message.blocks()).getAsJsonArray()));
        JsonArray attachments = GSON.toJsonTree(message.attachments()).getAsJsonArray();
        for (JsonElement a : attachments) {
            JsonObject att = a.getAsJsonObject();
            if (att.has("blocks")) {
                att.add("blocks", clampBlocks(att.getAsJsonArray("blocks")));
            }
        }
        o.add("attachments", attachments);
        // Every message the bot sends passes here: whatever a call site let through, no string
        // of it broadcasts.
        BroadcastGuard.neutralise(o);
        if (message.hereAnnouncement()) {
            announceHere(o);
        }
        return o.toString();
    }

    /** {@code @here} before the fallback (what the notification shows) and the first section. */
    private static void announceHere(JsonObject o) {
        o.addProperty("text", cut(HERE + o.get("text").getAsString(), MAX_TEXT));
        for (JsonElement b : o.getAsJsonArray("blocks")) {
            JsonObject block = b.getAsJsonObject();
            JsonObject text = block.has("text") && block.get("text").isJsonObject() ? block.getAsJsonObject("text") : null;
            if ("section".equals(string(block, "type")) && text != null && "mrkdwn".equals(string(text, "type"))) {
                text.addProperty("text", cut(HERE + string(text, "text"), MAX_SECTION_TEXT));
                return;
            }
        }
    }

    static MessagePayload parse(String json) {
        return new MessagePayload(JsonParser.parseString(json).getAsJsonObject());
    }

    String text() {
        return json.get("text").getAsString();
    }

    /** The blocks as Slack's Web API takes them, or null when there are none. */
    String blocksJson() {
        JsonArray blocks = json.getAsJsonArray("blocks");
        return blocks == null || blocks.isEmpty() ? null : blocks.toString();
    }

    String attachmentsJson() {
        JsonArray attachments = json.getAsJsonArray("attachments");
        return attachments == null || attachments.isEmpty() ? null : attachments.toString();
    }

    JsonArray blocks() {
        return json.has("blocks") ? json.getAsJsonArray("blocks") : new JsonArray();
    }

    JsonArray attachments() {
        return json.has("attachments") ? json.getAsJsonArray("attachments") : new JsonArray();
    }

    private static JsonArray clampBlocks(JsonArray blocks) {
        JsonArray out = new JsonArray();
        int keep = blocks.size() <= MAX_BLOCKS ? blocks.size() : MAX_BLOCKS - 1;
        for (int i = 0; i < keep; i++) {
            JsonObject block = blocks.get(i).getAsJsonObject();
            clampBlock(block);
            out.add(block);
        }
        if (keep < blocks.size()) {
            out.add(note("…and " + (blocks.size() - keep) + " more not shown (Slack allows " + MAX_BLOCKS + " blocks per message)"));
        }
        return out;
    }

    private static void clampBlock(JsonObject block) {
        String type = block.has("type") ? block.get("type").getAsString() : "";
        switch (type) {
            case "section" -> {
                cutText(block, "text", MAX_SECTION_TEXT);
                if (block.has("fields")) {
                    JsonArray fields = block.getAsJsonArray("fields");
                    JsonArray kept = new JsonArray();
                    for (int i = 0; i < Math.min(fields.size(), MAX_FIELDS); i++) {
                        JsonObject f = fields.get(i).getAsJsonObject();
                        cutTextObject(f, MAX_FIELD_TEXT);
                        kept.add(f);
                    }
                    block.add("fields", kept);
                }
                if (block.has("accessory")) {
                    clampElement(block.getAsJsonObject("accessory"));
                }
            }
            case "header" -> cutText(block, "text", MAX_HEADER_TEXT);
            case "context" -> {
                JsonArray elements = block.getAsJsonArray("elements");
                if (elements != null) {
                    JsonArray kept = new JsonArray();
                    for (int i = 0; i < Math.min(elements.size(), MAX_CONTEXT_ELEMENTS); i++) {
                        JsonObject e = elements.get(i).getAsJsonObject();
                        if (e.has("text") && e.get("text").isJsonPrimitive()) {
                            cutTextObject(e, MAX_SECTION_TEXT);
                        }
                        kept.add(e);
                    }
                    block.add("elements", kept);
                }
            }
            case "actions" -> {
                JsonArray elements = block.getAsJsonArray("elements");
                if (elements != null) {
                    JsonArray kept = new JsonArray();
                    for (int i = 0; i < Math.min(elements.size(), MAX_ACTION_ELEMENTS); i++) {
                        JsonObject e = elements.get(i).getAsJsonObject();
                        clampElement(e);
                        kept.add(e);
                    }
                    block.add("elements", kept);
                }
            }
            default -> {
            }
        }
    }

    private static void clampElement(JsonObject element) {
        if (element.has("type") && "button".equals(element.get("type").getAsString())) {
            cutText(element, "text", MAX_BUTTON_TEXT);
        }
    }

    private static void cutText(JsonObject holder, String key, int max) {
        if (holder.has(key) && holder.get(key).isJsonObject()) {
            cutTextObject(holder.getAsJsonObject(key), max);
        }
    }

    private static void cutTextObject(JsonObject textObject, int max) {
        if (textObject.has("text") && textObject.get("text").isJsonPrimitive()) {
            textObject.addProperty("text", cut(textObject.get("text").getAsString(), max));
        }
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "";
    }

    private static JsonObject note(String text) {
        JsonObject element = new JsonObject();
        element.addProperty("type", "mrkdwn");
        element.addProperty("text", text);
        JsonArray elements = new JsonArray();
        elements.add(element);
        JsonObject block = new JsonObject();
        block.addProperty("type", "context");
        block.add("elements", elements);
        return block;
    }

    /** Cuts mrkdwn without splitting an escape or a token. */
    static String cut(String s, int max) {
        return SlackText.fit(s, max);
    }
}
