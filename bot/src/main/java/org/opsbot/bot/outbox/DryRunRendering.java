package org.opsbot.bot.outbox;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Block Kit as plain text for a terminal: headers, sections, fields, context lines and buttons
 * in the order Slack shows them, with Slack's mrkdwn escapes turned back into what a reader
 * sees.
 */
final class DryRunRendering {
    private static final Pattern DATE = Pattern.compile("<!date\\^\\d+\\^[^|>]*\\|([^>]*)>");
    private static final Pattern LINK = Pattern.compile("<((?:https?|mailto):[^|>]+)\\|([^>]+)>");
    private static final Pattern BARE_LINK = Pattern.compile("<((?:https?|mailto):[^>]+)>");
    private static final Pattern MENTION = Pattern.compile("<([@#!])([A-Za-z0-9_^-]+)(?:\\|([^>]+))?>");

    private DryRunRendering() {
    }

    static String render(MessagePayload message) {
        List<String> lines = new ArrayList<>();
        if (message.blocks().isEmpty() && message.attachments().isEmpty()) {
            lines.add(readable(message.text()));
        }
        renderBlocks(message.blocks(), "", lines);
        for (JsonElement a : message.attachments()) {
            JsonObject attachment = a.getAsJsonObject();
            String bar = attachment.has("color") ? "┃ " : "│ ";
            if (attachment.has("text")) {
                lines.add(bar + readable(attachment.get("text").getAsString()));
            }
            if (attachment.has("blocks")) {
                renderBlocks(attachment.getAsJsonArray("blocks"), bar, lines);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            for (String part : line.split("\n", -1)) {
                out.append("    ").append(part).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    private static void renderBlocks(JsonArray blocks, String prefix, List<String> lines) {
        for (JsonElement e : blocks) {
            JsonObject block = e.getAsJsonObject();
            String type = string(block, "type");
            switch (type) {
                case "header" -> lines.add(prefix + "*" + text(block.get("text")).toUpperCase() + "*");
                case "section" -> {
                    if (block.has("text")) {
                        lines.add(prefix + text(block.get("text")));
                    }
                    if (block.has("fields")) {
                        for (JsonElement f : block.getAsJsonArray("fields")) {
                            lines.add(prefix + "  " + text(f).replace("\n", " "));
                        }
                    }
                    if (block.has("accessory")) {
                        String control = control(block.getAsJsonObject("accessory"));
                        if (!control.isEmpty()) {
                            lines.add(prefix + "  " + control);
                        }
                    }
                }
                case "context" -> {
                    List<String> parts = new ArrayList<>();
                    for (JsonElement c : block.getAsJsonArray("elements")) {
                        if (c.getAsJsonObject().has("text")) {
                            parts.add(text(c));
                        }
                    }
                    lines.add(prefix + "  " + String.join("  ·  ", parts));
                }
                case "actions" -> {
                    List<String> controls = new ArrayList<>();
                    for (JsonElement c : block.getAsJsonArray("elements")) {
                        controls.add(control(c.getAsJsonObject()));
                    }
                    lines.add(prefix + String.join(" ", controls));
                }
                case "divider" -> lines.add(prefix + "────────────────────");
                case "rich_text" -> lines.add(prefix + "(rich text)");
                default -> lines.add(prefix + "(" + type + " block)");
            }
        }
    }

    private static String control(JsonObject element) {
        String type = string(element, "type");
        if ("checkboxes".equals(type) && element.has("options")) {
            // One box per line, ticked as the reader would see it.
            java.util.Set<String> ticked = new java.util.HashSet<>();
            if (element.has("initial_options")) {
                element.getAsJsonArray("initial_options").forEach(o -> ticked.add(string(o.getAsJsonObject(), "value")));
            }
            List<String> boxes = new ArrayList<>();
            for (JsonElement o : element.getAsJsonArray("options")) {
                JsonObject option = o.getAsJsonObject();
                boxes.add((ticked.contains(string(option, "value")) ? "[x] " : "[ ] ") + text(option.get("text")));
            }
            return String.join("\n", boxes);
        }
        if (element.has("text")) {
            return "button".equals(type) ? "[ " + text(element.get("text")) + " ]" : "[ " + text(element.get("text")) + " ▾ ]";
        }
        if (element.has("placeholder")) {
            return "[ " + text(element.get("placeholder")) + " ▾ ]";
        }
        return "";
    }

    private static String text(JsonElement textObject) {
        if (textObject == null || !textObject.isJsonObject()) {
            return "";
        }
        return readable(string(textObject.getAsJsonObject(), "text"));
    }

    static String readable(String mrkdwn) {
        String s = DATE.matcher(mrkdwn).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        s = LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(2) + " (" + m.group(1) + ")"));
        s = BARE_LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        s = MENTION.matcher(s).replaceAll(m -> {
            String label = m.group(3) != null ? m.group(3) : m.group(2);
            String sigil = m.group(1).equals("!") ? "@" : m.group(1);
            if (m.group(1).equals("!") && label.startsWith("subteam^")) {
                label = label.substring("subteam^".length());
            }
            return Matcher.quoteReplacement(label.startsWith(sigil) ? label : sigil + label);
        });
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "";
    }
}
