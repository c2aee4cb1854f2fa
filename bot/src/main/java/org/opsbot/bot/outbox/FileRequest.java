package org.opsbot.bot.outbox;

import com.google.gson.Gson;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A file the outbox is to upload and share, as stored in its payload: text in {@code content},
 * or binary (a chart) in {@code base64}. Payloads stored before {@code base64} existed read as
 * text, as they were.
 */
record FileRequest(String fileName, String title, String content, String base64) {
    private static final Gson GSON = new Gson();

    FileRequest(String fileName, String title, String content) {
        this(fileName, title, content, null);
    }

    static FileRequest binary(String fileName, String title, byte[] bytes) {
        return new FileRequest(fileName, title, "", Base64.getEncoder().encodeToString(bytes));
    }

    String toJson() {
        return GSON.toJson(this);
    }

    byte[] bytes() {
        return base64 != null ? Base64.getDecoder().decode(base64) : content.getBytes(StandardCharsets.UTF_8);
    }

    static FileRequest parse(String json) {
        return GSON.fromJson(json, FileRequest.class);
    }
}
