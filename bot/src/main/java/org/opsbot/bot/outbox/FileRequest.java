package org.opsbot.bot.outbox;

import com.google.gson.Gson;

import java.nio.charset.StandardCharsets;

/** A text file the outbox is to upload and share, as stored in its payload. */
record FileRequest(String fileName, String title, String content) {
    private static final Gson GSON = new Gson();

    String toJson() {
        return GSON.toJson(this);
    }

    byte[] bytes() {
        return content.getBytes(StandardCharsets.UTF_8);
    }

    static FileRequest parse(String json) {
        return GSON.fromJson(json, FileRequest.class);
    }
}
