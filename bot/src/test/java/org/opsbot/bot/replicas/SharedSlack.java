package org.opsbot.bot.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.StandInUsergroups;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The one Slack both replicas talk to (WireMock as the Web API). It keeps what was posted as
 * Slack would, with each message's metadata, and answers {@code conversations.history} and
 * {@code conversations.replies} from it, so a replica that takes over a post another replica
 * may have sent can ask Slack whether it arrived. Posts to a channel put "on hold" are
 * accepted (recorded, as Slack has them) but answered only after a long delay: a replica
 * killed meanwhile never learns that they arrived.
 */
final class SharedSlack implements AutoCloseable {
    static final String TEAM = "T0REPL0001";
    /** The id of @oncall-now, the user group the replicas' schedule keeps. */
    static final String USERGROUP = "S0ONCALL01";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One accepted Web API call. */
    record Call(String method, Map<String, String> form, long at) {
        String get(String field) {
            return form.get(field);
        }

        /** The outbox id carried in a post's metadata, or -1. */
        long outboxId() {
            String metadata = form.get("metadata");
            if (metadata == null) {
                return -1;
            }
            try {
                return JSON.readTree(metadata).path("event_payload").path("outbox_id").asLong(-1);
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private record Posted(String channelId, String ts, String threadTs, Call call) {
    }

    private final WireMockServer server;
    private final List<Call> calls = new ArrayList<>();
    private final List<Posted> posted = new ArrayList<>();
    private final Map<String, String> channelIds = new HashMap<>();
    private final Set<String> onHold = ConcurrentHashMap.newKeySet();
    // The workspace's one user group, @oncall-now.
    private final StandInUsergroups usergroups = new StandInUsergroups();
    private long ts = 1_700_000_000_000_000L;

    SharedSlack() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new Api()));
        usergroups.add("oncall-now", USERGROUP, "U0NOBODY01");
        server.start();
        server.stubFor(any(urlPathMatching("/api/.*")).willReturn(okJson("{\"ok\":true}")));
    }

    String apiUrl() {
        return server.baseUrl() + "/api/";
    }

    /** The workspace's channels ("#name"), which {@code conversations.list} lists before anything is posted. */
    synchronized void channels(String... names) {
        for (String name : names) {
            channelId(name);
        }
    }

    /** Posts to {@code channel} ("#name") are kept but not answered for a long while. */
    void hold(String channel) {
        onHold.add(channel);
    }

    void release(String channel) {
        onHold.remove(channel);
    }

    synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Posts (not replies) to {@code channel} as the bot named it ("#name" or an id). */
    List<Call> posts(String channel) {
        return calls("chat.postMessage").stream().filter(c -> channel.equals(c.get("channel")) && c.get("thread_ts") == null)
                .toList();
    }

    /** Direct messages to {@code user}. */
    List<Call> directMessages(String user) {
        return calls("chat.postMessage").stream().filter(c -> user.equals(c.get("channel"))).toList();
    }

    /** Replies in the threads of the direct messages to {@code user} (a page DM's "Also paging you"). */
    List<Call> repliesToDirectMessages(String user) {
        List<Posted> all;
        synchronized (this) {
            all = List.copyOf(posted);
        }
        java.util.Set<String> dms = all.stream().filter(p -> user.equals(p.call().get("channel")) && p.threadTs() == null)
                .map(Posted::ts).collect(java.util.stream.Collectors.toSet());
        return all.stream().filter(p -> p.threadTs() != null && dms.contains(p.threadTs())).map(Posted::call).toList();
    }

    /** The members each {@code usergroups.users.update} that Slack took set @oncall-now to, in order. */
    List<String> usergroupUpdates() {
        return calls("usergroups.users.update").stream().map(c -> c.get("users")).toList();
    }

    /** Replies in threads whose text contains {@code text}. */
    List<Call> replies(String text) {
        return calls("chat.postMessage").stream().filter(c -> c.get("thread_ts") != null)
                .filter(c -> String.valueOf(c.get("text")).contains(text)).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    private synchronized String channelId(String channel) {
        if (channel.matches("[CGD][A-Z0-9]{6,}")) {
            return channel;
        }
        return channelIds.computeIfAbsent(channel, c -> (c.matches("[UW][A-Z0-9]+") ? "D" : "C")
                + String.format("%09d", channelIds.size() + 1));
    }

    private final class Api implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "shared-slack";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String url = event.getRequest().getUrl();
            String method = url.substring(url.lastIndexOf('/') + 1);
            int q = method.indexOf('?');
            method = q < 0 ? method : method.substring(0, q);
            Map<String, String> form = form(event.getRequest().getBodyAsString());
            if (q >= 0) {
                form.putAll(form(url.substring(url.indexOf('?') + 1)));
            }
            Call call = new Call(method, form, System.currentTimeMillis());
            return switch (method) {
                case "auth.test" -> ok("{\"ok\":true,\"url\":\"https://replicas.slack.com/\",\"team\":\"R\",\"user\":\"opsbot\","
                        + "\"team_id\":\"" + TEAM + "\",\"user_id\":\"U0BOT00001\",\"bot_id\":\"B0BOT00001\"}");
                case "usergroups.list" -> ok(usergroups.list());
                case "usergroups.users.update" -> updateUsergroup(call);
                case "dnd.info" -> ok("{\"ok\":true,\"dnd_enabled\":false,\"snooze_enabled\":false}");
                case "chat.postMessage" -> post(call);
                case "conversations.history", "conversations.replies" -> history(call);
                case "conversations.open" -> ok("{\"ok\":true,\"channel\":{\"id\":\"" + channelId(form.getOrDefault("users", "U0")) + "\"}}");
                case "conversations.list" -> list();
                default -> {
                    record(call);
                    yield ok("{\"ok\":true,\"channel\":\"" + form.getOrDefault("channel", "") + "\",\"ts\":\""
                            + form.getOrDefault("ts", "1.1") + "\"}");
                }
            };
        }

        private ResponseDefinition post(Call call) {
            String channel = call.get("channel");
            String id = channelId(channel);
            String messageTs;
            synchronized (SharedSlack.this) {
                ts += 100;
                messageTs = (ts / 1_000_000) + "." + String.format("%06d", ts % 1_000_000);
                calls.add(call);
                posted.add(new Posted(id, messageTs, call.get("thread_ts"), call));
            }
            ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":true,\"channel\":\"" + id + "\",\"ts\":\"" + messageTs + "\"}");
            if (onHold.contains(channel)) {
                response.withFixedDelay(60_000);
            }
            return response.build();
        }

        private ResponseDefinition history(Call call) {
            record(call);
            String channel = call.get("channel");
            String thread = call.method().equals("conversations.replies") ? call.get("ts") : null;
            ArrayNode messages = JSON.createArrayNode();
            synchronized (SharedSlack.this) {
                for (Posted p : posted) {
                    if (!p.channelId().equals(channel) || (thread != null && !thread.equals(p.threadTs()))) {
                        continue;
                    }
                    ObjectNode m = messages.addObject().put("type", "message").put("ts", p.ts())
                            .put("text", p.call().get("text"));
                    String metadata = p.call().get("metadata");
                    if (metadata != null) {
                        try {
                            JsonNode meta = JSON.readTree(metadata);
                            m.set("metadata", meta);
                        } catch (IOException ignored) {
                            // a post without readable metadata is not ours
                        }
                    }
                }
            }
            ObjectNode body = JSON.createObjectNode().put("ok", true).put("has_more", false);
            body.set("messages", messages);
            return ok(body.toString());
        }

        private ResponseDefinition list() {
            ArrayNode channels = JSON.createArrayNode();
            synchronized (SharedSlack.this) {
                channelIds.forEach((name, id) -> {
                    if (name.startsWith("#")) {
                        channels.addObject().put("id", id).put("name", name.substring(1));
                    }
                });
            }
            ObjectNode body = JSON.createObjectNode().put("ok", true);
            body.set("channels", channels);
            return ok(body.toString());
        }

        private ResponseDefinition updateUsergroup(Call call) {
            StandInUsergroups.Answer answer = usergroups.update(call.get("usergroup"), call.get("users"));
            if (answer.taken()) {
                record(call);
            }
            return ok(answer.body());
        }

        private void record(Call call) {
            synchronized (SharedSlack.this) {
                calls.add(call);
            }
        }

        private static ResponseDefinition ok(String json) {
            return okJson(json).build();
        }
    }

    private static Map<String, String> form(String body) {
        return RateLimitedSlack.form(body);
    }
}
