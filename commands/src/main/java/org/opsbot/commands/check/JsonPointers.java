package org.opsbot.commands.check;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6901 JSON pointers with one extension: a {@code *} segment stands for every element of
 * an array (or every member value of an object), so {@code /tasks/*}{@code /state} yields the
 * state of each task.
 */
final class JsonPointers {
    private JsonPointers() {
    }

    /** A value found, with the concrete pointer it was found at. */
    record Found(String pointer, JsonNode value) {
    }

    /** Whether {@code pointer} is syntactically a pointer ("" or starting with "/"). */
    static boolean isValid(String pointer) {
        return pointer.isEmpty() || pointer.startsWith("/");
    }

    /** Every value the pointer reaches; a missing step is a {@link ProbeException} naming it. */
    static List<Found> resolve(JsonNode root, String pointer) throws ProbeException {
        List<String> segments = new ArrayList<>();
        if (!pointer.isEmpty()) {
            for (String raw : pointer.substring(1).split("/", -1)) {
                segments.add(raw.replace("~1", "/").replace("~0", "~"));
            }
        }
        List<Found> out = new ArrayList<>();
        walk(root, segments, 0, "", out);
        return out;
    }

    private static void walk(JsonNode node, List<String> segments, int i, String at, List<Found> out) throws ProbeException {
        if (i == segments.size()) {
            out.add(new Found(at.isEmpty() ? "/" : at, node));
            return;
        }
        String seg = segments.get(i);
        if (seg.equals("*")) {
            if (node.isArray()) {
                for (int k = 0; k < node.size(); k++) {
                    walk(node.get(k), segments, i + 1, at + "/" + k, out);
                }
                return;
            }
            if (node.isObject()) {
                for (var e : node.properties()) {
                    walk(e.getValue(), segments, i + 1, at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out);
                }
                return;
            }
            throw new ProbeException("pointer " + (at.isEmpty() ? "/" : at) + " is a single value, so /* cannot step into it");
        }
        String next = at + "/" + seg.replace("~", "~0").replace("/", "~1");
        JsonNode child = null;
        if (node.isObject()) {
            child = node.get(seg);
        } else if (node.isArray() && seg.matches("\\d+")) {
            child = node.get(Integer.parseInt(seg));
        }
        if (child == null || child.isMissingNode()) {
            throw new ProbeException("pointer " + next + " not found in the response");
        }
        walk(child, segments, i + 1, next, out);
    }

    /** A value as text: scalars as themselves, objects and arrays as JSON. */
    static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
