package org.opsbot.bot.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * WireMock as Slack's Web API, strict about rate limits the way Slack is: 429 with
 * {@code Retry-After} whenever a channel gets more than one post a second, or the app more than
 * 50 {@code chat.update} a minute. Posts get their own {@code ts}; {@code #name} channels get
 * a stable id. Every accepted call is recorded, in order, for exact assertions.
 *
 * <p>It can also be away the ways Slack is away: {@link #goDown()} stops the server (connection
 * refused) and {@link #comeBack()} starts a new one on the same port, remembering what it had
 * accepted; {@link #resetConnections()} resets every connection before Slack acts, and
 * {@link #loseAnswers(int)} lets Slack act on the next posts but resets the connection before
 * the answer (the bot cannot know they arrived). {@code conversations.history} and
 * {@code .replies} list the accepted posts with their metadata, as Slack does, so a bot can look
 * for a post before repeating it.
 */
public final class RateLimitedSlack implements AutoCloseable {

    /** One accepted Web API call: its method, form fields, and when it arrived (epoch millis). */
    public record Call(String method, Map<String, String> form, long at) {
        public String get(String field) {
            return form.get(field);
        }

        public boolean isReply() {
            return form.containsKey("thread_ts");
        }
    }

    private static final long FIRST_TS = 1_700_000_000_000L;

    public volatile WireMockServer server;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<byte[]> uploads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final Map<String, Integer> rateLimitedByMethod = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final AtomicInteger lostAnswers = new AtomicInteger();
    private volatile boolean resetting;
    private volatile String scopes;
    // users.info's answers: user id to display name (the time zone is Europe/Berlin for all).
    private final Map<String, String> displayNames = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<Runnable> nextPost = new AtomicReference<>();
    private final Limiter limiter = new Limiter();
    private final int port;

    public RateLimitedSlack() {
        server = started(WireMockConfiguration.options().dynamicPort());
        port = server.port();
    }

    private WireMockServer started(WireMockConfiguration options) {
        WireMockServer s = new WireMockServer(options.extensions(limiter));
        s.start();
        s.stubFor(any(urlPathMatching("/api/.*")).willReturn(okJson("{\"ok\":true}")));
        s.stubFor(any(urlPathMatching("/upload/.*")).willReturn(okJson("{\"ok\":true}")));
        return s;
    }

    public String apiUrl() {
        return "http://localhost:" + port + "/api/";
    }

    /**
     * Channels that exist in the workspace before the bot posts to them, so that
     * {@code conversations.list} names them (otherwise a channel gets its id on its first post).
     */
    public RateLimitedSlack channels(String... names) {
        limiter.create(names);
        return this;
    }

    /**
     * User groups that exist in the workspace (by handle), so that {@code usergroups.list} names
     * them and {@code usergroups.users.update} sets their members; each starts with {@code member}.
     */
    public RateLimitedSlack usergroups(String member, String... handles) {
        limiter.usergroups(member, handles);
        return this;
    }

    /** People {@code users.info} knows, with the display name their profile shows; others get {@code user_not_found}. */
    public RateLimitedSlack displayName(String user, String name) {
        displayNames.put(user, name);
        return this;
    }

    /** The scopes {@code auth.test} names in its {@code x-oauth-scopes} header, comma-separated (none by default). */
    public RateLimitedSlack scopes(String scopes) {
        this.scopes = scopes;
        return this;
    }

    /** Slack is gone: connections to its port are refused until {@link #comeBack()}. */
    public void goDown() {
        server.stop();
    }

    /** A new server on the same port, with everything accepted so far still known. */
    public void comeBack() {
        server = started(WireMockConfiguration.options().port(port));
    }

    /** From now on every connection is reset before Slack acts on the call, until {@link #heal()}. */
    public void resetConnections() {
        resetting = true;
    }

    /**
     * The next {@code posts} accepted {@code chat.postMessage} calls are acted on (the message is
     * in the channel) but the connection is reset before the answer.
     */
    public void loseAnswers(int posts) {
        answersToLose.set(posts);
    }

    /** Runs {@code action} when the next post is accepted, before Slack answers it. */
    public void onNextPost(Runnable action) {
        nextPost.set(action);
    }

    /** How many answers {@link #loseAnswers} has lost. */
    public int lostAnswers() {
        return lostAnswers.get();
    }

    /** Connections are answered normally again. */
    public void heal() {
        resetting = false;
    }

    /** The bytes of each file uploaded to the URL {@code files.getUploadURLExternal} gave, in order. */
    public List<byte[]> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<Call> calls(String method) {
        return calls().stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Posts to channels, leaving out escalation's: its direct messages to people and its "Tier n paged" notes. */
    /**
     * Posts in channels about alerts: not page notes, and not the announcements of maintenance
     * windows, which the bundled example's recurring windows make at real times (a test on the
     * real clock that runs on a Wednesday at 02:00 UTC sees one).
     */
    /** The announcements of maintenance windows starting and ending, which {@link #channelPosts()} leaves out. */
    public List<Call> announcements() {
        return calls("chat.postMessage").stream().filter(c -> !c.get("channel").matches("[UW][A-Z0-9]+"))
                .filter(RateLimitedSlack::announcement).toList();
    }

    public List<Call> channelPosts() {
        return calls("chat.postMessage").stream().filter(c -> !c.get("channel").matches("[UW][A-Z0-9]+"))
                .filter(c -> !pageNote(c))
                .filter(c -> !announcement(c)).toList();
    }

    private static boolean announcement(Call c) {
        String text = c.get("text");
        return text != null && (text.startsWith(":construction: Maintenance started for ")
                || text.startsWith(":white_check_mark: Maintenance ended for "));
    }

    /** The thread notes escalation posts when it pages a tier. */
    public List<Call> pageNotes() {
        return calls("chat.postMessage").stream().filter(RateLimitedSlack::pageNote).toList();
    }

    private static boolean pageNote(Call c) {
        return c.isReply() && c.get("text") != null && c.get("text").startsWith(":mega: Tier ");
    }

    /** Direct messages to people: the pages escalation sends. */
    public List<Call> directMessages() {
        return calls("chat.postMessage").stream().filter(c -> c.get("channel").matches("[UW][A-Z0-9]+")).toList();
    }

    /** The page DMs themselves, not the replies in their threads (a storm gathers a person's pages into one). */
    public List<Call> pagePosts() {
        return directMessages().stream().filter(c -> !c.isReply()).toList();
    }

    /** Page DM posts per person paged. */
    public Map<String, Long> pagePostsPerPerson() {
        return pagePosts().stream().collect(java.util.stream.Collectors.groupingBy(c -> c.get("channel"), java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    /** The {@code ts} this fake answered an accepted {@code chat.postMessage} with (they are numbered in order). */
    public String tsOf(Call post) {
        List<Call> posts = calls("chat.postMessage");
        for (int i = 0; i < posts.size(); i++) {
            if (posts.get(i) == post) {
                long ts = FIRST_TS + 100L * (i + 1);
                return (ts / 1_000_000) + "." + String.format("%06d", ts % 1_000_000);
            }
        }
        throw new IllegalArgumentException("not a post this fake accepted: " + post);
    }

    public int rateLimited() {
        return rateLimited.get();
    }

    /** The 429s answered so far, per Web API method. */
    public Map<String, Integer> rateLimitedByMethod() {
        return Map.copyOf(rateLimitedByMethod);
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Limiter implements ResponseDefinitionTransformerV2 {
        private final Map<String, Deque<Long>> postsByChannel = new HashMap<>();
        private final Deque<Long> updates = new ArrayDeque<>();
        private final Map<String, String> channelIds = new HashMap<>();
        private final StandInUsergroups usergroups = new StandInUsergroups();
        private long ts = FIRST_TS;

        synchronized void usergroups(String member, String... handles) {
            for (String handle : handles) {
                usergroups.add(handle, "S" + String.format("%09d", usergroups.size() + 1), member);
            }
        }

        synchronized void create(String... names) {
            for (String name : names) {
                channelIds.computeIfAbsent(name, c -> "C" + String.format("%09d", channelIds.size() + 1));
            }
        }

        @Override
        public String getName() {
            return "slack-rate-limits";
        }

        @Override
        public synchronized ResponseDefinition transform(ServeEvent event) {
            if (resetting) {
                return reset();
            }
            String path = event.getRequest().getUrl();
            if (path.startsWith("/upload/")) {
                uploads.add(event.getRequest().getBody());
                return ResponseDefinitionBuilder.responseDefinition().withStatus(200).withBody("OK").build();
            }
            String method = path.substring(path.lastIndexOf('/') + 1);
            int q = method.indexOf('?');
            method = q < 0 ? method : method.substring(0, q);
            Map<String, String> form = form(event.getRequest().getBodyAsString());
            long now = System.currentTimeMillis();
            switch (method) {
                case "conversations.list" -> {
                    StringBuilder channels = new StringBuilder();
                    channelIds.forEach((name, id) -> {
                        if (name.startsWith("#")) {
                            channels.append(channels.isEmpty() ? "" : ",")
                                    .append("{\"id\":\"").append(id).append("\",\"name\":\"").append(name.substring(1)).append("\"}");
                        }
                    });
                    return okJson("{\"ok\":true,\"channels\":[" + channels + "],\"response_metadata\":{\"next_cursor\":\"\"}}").build();
                }
                case "conversations.history", "conversations.replies" -> {
                    String channel = form.get("channel");
                    String thread = method.equals("conversations.replies") ? form.get("ts") : null;
                    StringBuilder messages = new StringBuilder();
                    List<Call> posts = calls("chat.postMessage");
                    for (int i = 0; i < posts.size(); i++) {
                        Call post = posts.get(i);
                        if (!channel.equals(channelIds.get(post.get("channel")))
                                || thread != null && !thread.equals(post.get("thread_ts"))
                                || thread == null && post.isReply()) {
                            continue;
                        }
                        long postTs = FIRST_TS + 100L * (i + 1);
                        messages.append(messages.isEmpty() ? "" : ",").append("{\"type\":\"message\",\"ts\":\"")
                                .append((postTs / 1_000_000) + "." + String.format("%06d", postTs % 1_000_000)).append("\"")
                                .append(post.get("metadata") == null ? "" : ",\"metadata\":" + post.get("metadata"))
                                .append("}");
                    }
                    return okJson("{\"ok\":true,\"messages\":[" + messages + "],\"has_more\":false}").build();
                }
                case "users.info" -> {
                    String name = displayNames.get(form.get("user"));
                    if (name == null) {
                        return okJson("{\"ok\":false,\"error\":\"user_not_found\"}").build();
                    }
                    return okJson("{\"ok\":true,\"user\":{\"id\":\"" + form.get("user") + "\",\"tz\":\"Europe/Berlin\","
                            + "\"profile\":{\"display_name\":\"" + name + "\",\"real_name\":\"" + name + " Real\"}}}").build();
                }
                case "auth.test" -> {
                    var answer = okJson("{\"ok\":true,\"url\":\"https://e2e.slack.com/\",\"team\":\"E2E\",\"user\":\"opsbot\","
                            + "\"team_id\":\"T0E2E00001\",\"user_id\":\"U0BOT00001\",\"bot_id\":\"B0BOT00001\"}");
                    return (scopes == null ? answer : answer.withHeader("x-oauth-scopes", scopes)).build();
                }
                case "files.getUploadURLExternal" -> {
                    calls.add(new Call(method, form, now));
                    String id = "F0UP" + String.format("%06d", uploads.size() + calls.size());
                    return okJson("{\"ok\":true,\"upload_url\":\"http://localhost:" + port + "/upload/" + id
                            + "\",\"file_id\":\"" + id + "\"}").build();
                }
                case "usergroups.list" -> {
                    return okJson(usergroups.list()).build();
                }
                case "usergroups.users.update" -> {
                    StandInUsergroups.Answer answer = usergroups.update(form.get("usergroup"), form.get("users"));
                    if (answer.taken()) {
                        calls.add(new Call(method, form, now));
                    }
                    return okJson(answer.body()).build();
                }
                case "chat.postMessage" -> {
                    String channel = channelIds.computeIfAbsent(form.getOrDefault("channel", "?"),
                            c -> c.startsWith("C") ? c : "C" + String.format("%09d", channelIds.size() + 1));
                    Deque<Long> recent = postsByChannel.computeIfAbsent(channel, c -> new ArrayDeque<>());
                    recent.removeIf(t -> t <= now - 1_000);
                    if (!recent.isEmpty()) {
                        return limited(method, 1);
                    }
                    recent.add(now);
                    // Before the post is visible: the test's action has happened once it is.
                    Runnable then = nextPost.getAndSet(null);
                    if (then != null) {
                        then.run();
                    }
                    calls.add(new Call(method, form, now));
                    ts += 100;
                    String messageTs = (ts / 1_000_000) + "." + String.format("%06d", ts % 1_000_000);
                    if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        lostAnswers.incrementAndGet();
                        return reset();
                    }
                    return okJson("{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + messageTs + "\"}").build();
                }
                case "chat.update" -> {
                    updates.removeIf(t -> t <= now - 60_000);
                    if (updates.size() >= 50) {
                        return limited(method, (int) Math.max(1, (updates.peekFirst() + 60_000 - now + 999) / 1000));
                    }
                    updates.add(now);
                    calls.add(new Call(method, form, now));
                    return okJson("{\"ok\":true,\"channel\":\"" + form.get("channel") + "\",\"ts\":\"" + form.get("ts") + "\"}").build();
                }
                default -> {
                    calls.add(new Call(method, form, now));
                    return okJson("{\"ok\":true,\"channel\":\"" + form.getOrDefault("channel", "") + "\",\"ts\":\"1.1\","
                            + "\"messages\":[]}").build();
                }
            }
        }

        private ResponseDefinition reset() {
            return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        }

        private ResponseDefinition limited(String method, int seconds) {
            rateLimited.incrementAndGet();
            rateLimitedByMethod.merge(method, 1, Integer::sum);
            return ResponseDefinitionBuilder.responseDefinition().withStatus(429)
                    .withHeader("Retry-After", Integer.toString(seconds))
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":false,\"error\":\"ratelimited\"}").build();
        }
    }

    /** A form-encoded Web API call's fields, as Slack reads them. */
    public static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }
}
