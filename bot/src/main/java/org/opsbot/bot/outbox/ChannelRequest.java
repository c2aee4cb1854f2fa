package org.opsbot.bot.outbox;

import com.google.gson.Gson;

import java.util.List;

/**
 * A channel the outbox is to create, as stored in its payload. {@code purpose} says who hears
 * the outcome (see {@link ChannelListener}), e.g. {@code incident:12}.
 */
record ChannelRequest(String name, List<String> invite, String purpose) {
    private static final Gson GSON = new Gson();

    String toJson() {
        return GSON.toJson(this);
    }

    static ChannelRequest parse(String json) {
        ChannelRequest r = GSON.fromJson(json, ChannelRequest.class);
        return new ChannelRequest(r.name(), r.invite() == null ? List.of() : r.invite(), r.purpose());
    }
}
