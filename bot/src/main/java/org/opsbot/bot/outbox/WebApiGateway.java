package org.opsbot.bot.outbox;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.model.ConversationType;
import com.slack.api.model.Message;
import com.slack.api.util.http.SlackHttpClient;
import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The outbox's calls to Slack's Web API, through Bolt's client on OkHttp clients that share one
 * pool of connections: calls that act (a post, an ephemeral message, a file share) on one that
 * never repeats them behind the outbox's back, all others on one that may
 * ({@link SlackWebApi#http}).
 */
final class WebApiGateway implements SlackGateway {
    static final String METADATA_EVENT = "opsbot_outbox";

    private static final Pattern CHANNEL_ID = Pattern.compile("[CGD][A-Z0-9]{6,}");
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{6,}");
    // Slack answers these with ok:false when the fault is on its side or passing; worth retrying.
    private static final Set<String> TRANSIENT = Set.of(
            "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
            "team_added_to_org", "timeout");
    // The token is wrong or revoked: every message would fail the same way. An operator fixes
    // the token and restarts; until then messages wait rather than being thrown away.
    private static final Set<String> AUTH = Set.of(
            "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_permission");

    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    // Calls that act: a failure that may have come after Slack acted is the outbox's to judge.
    private final MethodsClient acting;
    // The same, each on a connection of its own: for a post tried again after an uncertain failure.
    private final MethodsClient actingFresh;
    // Calls that may be sent twice without harm: reads, updates, joins, creating a channel by name.
    private final MethodsClient methods;
    private final OkHttpClient http;
    private final String installationId;
    private final Map<String, String> channelIds = new ConcurrentHashMap<>();
    // User group handles to ids (usergroups.list), looked up once; dropped when Slack no longer knows the id.
    private final Map<String, String> usergroupIds = new ConcurrentHashMap<>();

    WebApiGateway(String token, String apiUrl, Duration timeout, String installationId) {
        SlackConfig config = SlackWebApi.config(apiUrl);
        SlackWebApi.Http clients = SlackWebApi.http(timeout);
        this.http = clients.asking();
        this.acting = Slack.getInstance(config, new SlackHttpClient(clients.acting())).methods(token);
        this.actingFresh = Slack.getInstance(config, new SlackHttpClient(clients.actingFresh())).methods(token);
        this.methods = Slack.getInstance(config, new SlackHttpClient(clients.asking())).methods(token);
        this.installationId = installationId;
    }

    @Override
    public Delivery post(long outboxId, String channel, String threadTs, MessagePayload message, boolean freshConnection) {
        return call(true, () -> send(outboxId, channel, threadTs, message, true, freshConnection ? actingFresh : acting));
    }

    private Delivery send(long outboxId, String channel, String threadTs, MessagePayload message, boolean mayJoin,
                          MethodsClient client) throws IOException, SlackApiException {
        {
            var response = client.chatPostMessage(r -> r
                    .channel(channel)
                    .threadTs(threadTs)
                    .text(message.text())
                    .blocksAsString(message.blocksJson())
                    .attachmentsAsString(message.attachmentsJson())
                    .unfurlLinks(false)
                    .metadata(Message.Metadata.builder()
                            .eventType(METADATA_EVENT)
                            .eventPayload(Map.of("outbox_id", outboxId, "installation", installationId))
                            .build()));
            if (response.isOk()) {
                return new Delivery.Sent(response.getChannel(), response.getTs());
            }
            return switch (String.valueOf(response.getError())) {
                case "not_in_channel" -> mayJoin ? joinAndPostAgain(outboxId, channel, threadTs, message, client)
                        : notInChannel(channel, "the bot joined " + channel + " but still may not post there");
                case "channel_not_found" -> notInChannel(channel, "Slack knows no channel " + channel
                        + " the bot can see (a private channel the bot is not in, or none by that name)");
                default -> refused(response, true);
            };
        }
    }

    /**
     * A public channel the bot is not in: it joins ({@code channels:join}) and posts once more.
     * Private channels cannot be joined; someone has to invite the bot.
     */
    private Delivery joinAndPostAgain(long outboxId, String channel, String threadTs, MessagePayload message,
                                      MethodsClient client) throws IOException, SlackApiException {
        String id;
        try {
            id = channelId(channel);
        } catch (LookupFailedException e) {
            return notInChannel(channel, "the bot is not in " + channel + " and cannot find it to join (" + e.getMessage() + ")");
        }
        var joined = methods.conversationsJoin(r -> r.channel(id));
        if (!joined.isOk()) {
            String why = switch (String.valueOf(joined.getError())) {
                case "missing_scope" -> "the bot is not in " + channel + " and may not join channels (the app lacks the channels:join scope)";
                case "method_not_supported_for_channel_type" -> channel + " is private and the bot is not in it";
                case "is_archived" -> channel + " is archived";
                default -> "the bot is not in " + channel + " and joining failed (" + joined.getError() + ")";
            };
            return notInChannel(channel, why);
        }
        LoggerFactory.getLogger(WebApiGateway.class).info("Joined {} to post there", channel);
        return send(outboxId, channel, threadTs, message, false, client);
    }

    private static Delivery notInChannel(String channel, String why) {
        String name = channel.startsWith("#") ? channel : "<#" + channel + ">";
        return new Delivery.NotInChannel(channel, why, "type `/invite @opsbot` in " + name + " (or fix the channel in opsbot.yaml)");
    }

    @Override
    public Delivery update(String channelId, String ts, MessagePayload message) {
        return call(false, () -> {
            var response = methods.chatUpdate(r -> r
                    .channel(channelId)
                    .ts(ts)
                    .text(message.text())
                    .blocksAsString(message.blocksJson())
                    .attachmentsAsString(message.attachmentsJson()));
            return response.isOk() ? new Delivery.Sent(response.getChannel(), response.getTs()) : refused(response, false);
        });
    }

    @Override
    public Delivery ephemeral(String channel, String user, String threadTs, MessagePayload message) {
        return call(false, () -> {
            var response = acting.chatPostEphemeral(r -> r
                    .channel(channel)
                    .user(user)
                    .threadTs(threadTs)
                    .text(message.text())
                    .blocksAsString(message.blocksJson())
                    .attachmentsAsString(message.attachmentsJson()));
            return response.isOk() ? new Delivery.Sent(channel, null) : refused(response, false);
        });
    }

    @Override
    public Delivery publishHome(String user, String viewJson) {
        return call(false, () -> {
            var response = methods.viewsPublish(r -> r.userId(user).viewAsString(viewJson));
            return response.isOk() ? new Delivery.Sent(user, null) : refused(response, false);
        });
    }

    @Override
    public Delivery updateUsergroup(String handle, List<String> members) {
        return call(false, () -> {
            String id = usergroupIds.get(handle);
            if (id == null) {
                var list = methods.usergroupsList(r -> r);
                if (!list.isOk()) {
                    return refused(list, false);
                }
                if (list.getUsergroups() != null) {
                    list.getUsergroups().forEach(g -> usergroupIds.put(g.getHandle(), g.getId()));
                }
                id = usergroupIds.get(handle);
                if (id == null) {
                    return new Delivery.Failed("Slack knows no user group @" + handle
                            + ": create it in Slack (or fix slack-usergroup in opsbot.yaml)");
                }
            }
            String group = id;
            var response = methods.usergroupsUsersUpdate(r -> r.usergroup(group).users(members));
            if (response.isOk()) {
                return new Delivery.Sent(handle, null);
            }
            if ("no_such_subteam".equals(response.getError())) {
                usergroupIds.remove(handle);
                return Delivery.Retry.transientFailure(Duration.ofSeconds(2), "Slack no longer knows user group @" + handle
                        + " by its id; looking it up again", false, true);
            }
            if ("missing_scope".equals(response.getError())) {
                return new Delivery.Failed("Slack refused to change @" + handle
                        + ": the app lacks the usergroups:write scope (add it and reinstall the app)");
            }
            return refused(response, false);
        });
    }

    @Override
    public Delivery createChannel(String name, List<String> invite) {
        return call(false, () -> {
            var created = methods.conversationsCreate(r -> r.name(name));
            String id;
            if (created.isOk()) {
                id = checked(created, created.getChannel(), "conversations.create", "channel").getId();
            } else if ("name_taken".equals(created.getError())) {
                // Made by an attempt whose answer was lost, or by hand: either way it is the
                // channel asked for.
                channelIds.remove("#" + name);
                try {
                    id = channelId("#" + name);
                } catch (LookupFailedException e) {
                    return new Delivery.Failed("the name #" + name + " is taken by a channel the bot cannot see");
                }
            } else {
                return refused(created, false);
            }
            if (!invite.isEmpty()) {
                var invited = methods.conversationsInvite(r -> r.channel(id).users(invite));
                if (!invited.isOk() && !"already_in_channel".equals(invited.getError())) {
                    // The channel exists; people can still join it by hand.
                    LoggerFactory.getLogger(WebApiGateway.class).warn("inviting {} to #{} failed: {}", invite, name, invited.getError());
                }
            }
            return new Delivery.Sent(id, null);
        });
    }

    @Override
    public Delivery uploadFile(String fileName, byte[] content) {
        return call(false, () -> {
            var url = methods.filesGetUploadURLExternal(r -> r.filename(fileName).length(content.length));
            if (!url.isOk()) {
                return refused(url, false);
            }
            try (var response = http.newCall(new Request.Builder().url(url.getUploadUrl())
                    .post(RequestBody.create(content, OCTETS)).build()).execute()) {
                if (!response.isSuccessful()) {
                    return Delivery.Retry.transientFailure(Duration.ofSeconds(2), "the upload URL answered HTTP " + response.code(),
                            false, true);
                }
            }
            return new Delivery.Sent(url.getFileId(), null);
        });
    }

    @Override
    public Delivery completeUpload(String fileId, String channel, String title) {
        return call(true, () -> {
            var done = acting.filesCompleteUploadExternal(r -> r.channelId(channel)
                    .files(List.of(FilesCompleteUploadExternalRequest.FileDetails.builder().id(fileId).title(title).build())));
            return done.isOk() ? new Delivery.Sent(channel, null) : refused(done, true);
        });
    }

    @Override
    public boolean fileShared(String fileId) {
        try {
            var info = methods.filesInfo(r -> r.file(fileId));
            var file = checked(info, info.getFile(), "files.info", "file");
            return file.getShares() != null || notEmpty(file.getChannels()) || notEmpty(file.getGroups())
                    || notEmpty(file.getIms());
        } catch (IOException | SlackApiException e) {
            throw new LookupFailedException("could not ask Slack whether the file was shared: " + describe(e));
        }
    }

    private static boolean notEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }

    @Override
    public Optional<Delivery.Sent> findPosted(long outboxId, String channel, String threadTs, long postedAfterMillis) {
        try {
            String channelId = channelId(channel);
            String oldest = String.valueOf(Math.max(0, postedAfterMillis / 1000 - 60));
            List<Message> messages;
            if (threadTs != null) {
                var replies = methods.conversationsReplies(r -> r.channel(channelId).ts(threadTs).oldest(oldest)
                        .includeAllMetadata(true).limit(200));
                messages = checked(replies, replies.getMessages(), "conversations.replies", "messages");
            } else {
                var history = methods.conversationsHistory(r -> r.channel(channelId).oldest(oldest)
                        .includeAllMetadata(true).limit(200));
                messages = checked(history, history.getMessages(), "conversations.history", "messages");
            }
            return messages.stream()
                    .filter(m -> isOurs(m.getMetadata(), outboxId))
                    .findFirst()
                    .map(m -> new Delivery.Sent(channelId, m.getTs()));
        } catch (IOException | SlackApiException e) {
            throw new LookupFailedException("could not ask Slack whether the message arrived: " + describe(e));
        } catch (LookupFailedException e) {
            throw new LookupFailedException("could not ask Slack whether the message arrived: " + e.getMessage());
        }
    }

    private boolean isOurs(Message.Metadata metadata, long outboxId) {
        if (metadata == null || !METADATA_EVENT.equals(metadata.getEventType()) || metadata.getEventPayload() == null) {
            return false;
        }
        Object id = metadata.getEventPayload().get("outbox_id");
        Object installation = metadata.getEventPayload().get("installation");
        return id instanceof Number n && n.longValue() == outboxId && installationId.equals(installation);
    }

    private String channelId(String channel) throws IOException, SlackApiException {
        if (CHANNEL_ID.matcher(channel).matches()) {
            return channel;
        }
        String known = channelIds.get(channel);
        if (known != null) {
            return known;
        }
        if (USER_ID.matcher(channel).matches()) {
            var opened = methods.conversationsOpen(r -> r.users(List.of(channel)));
            String id = checked(opened, opened.getChannel(), "conversations.open", "channel").getId();
            channelIds.put(channel, id);
            return id;
        }
        String name = channel.startsWith("#") ? channel.substring(1) : channel;
        String cursor = null;
        do {
            String page = cursor;
            var list = methods.conversationsList(r -> r.cursor(page).limit(1000).excludeArchived(true)
                    .types(List.of(ConversationType.PUBLIC_CHANNEL, ConversationType.PRIVATE_CHANNEL)));
            for (var c : checked(list, list.getChannels(), "conversations.list", "channels")) {
                channelIds.putIfAbsent("#" + c.getName(), c.getId());
            }
            cursor = list.getResponseMetadata() == null ? null : list.getResponseMetadata().getNextCursor();
        } while (cursor != null && !cursor.isEmpty() && !channelIds.containsKey("#" + name));
        String id = channelIds.get("#" + name);
        if (id == null) {
            throw new LookupFailedException("no channel named #" + name + " is visible to the bot");
        }
        return id;
    }

    /**
     * The part of a look-up's answer it needs: Slack's error when it refused, and a clear one
     * (not a NullPointerException further on) when an answer that says ok lacks the part.
     */
    private static <T> T checked(SlackApiTextResponse response, T value, String method, String field) {
        if (!response.isOk()) {
            throw new LookupFailedException("Slack answered " + response.getError());
        }
        if (value == null) {
            throw new LookupFailedException("Slack's " + method + " answer said ok but had no `" + field + "`");
        }
        return value;
    }

    private interface Call {
        Delivery run() throws IOException, SlackApiException;
    }

    private static Delivery call(boolean isPost, Call call) {
        try {
            return call.run();
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            if (status == 429) {
                return Delivery.Retry.rateLimited(retryAfter(e));
            }
            // A 5xx may come after Slack acted on the post; look before posting again.
            return Delivery.Retry.transientFailure(Duration.ofSeconds(1), "Slack answered HTTP " + status, isPost && status >= 500, true);
        } catch (LookupFailedException e) {
            // Slack answered, but without what the call needs: its side's fault, asked again later.
            return Delivery.Retry.transientFailure(Duration.ofSeconds(5), e.getMessage(), false, true);
        } catch (StaleConnections.ClosedAfterSending e) {
            return Delivery.Retry.closedUnder(e.getMessage(), isPost);
        } catch (IOException e) {
            boolean neverLeft = e instanceof ConnectException || e instanceof UnknownHostException
                    || e instanceof NoRouteToHostException
                    || (e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).toLowerCase().contains("connect"));
            boolean timedOut = e instanceof InterruptedIOException;
            return Delivery.Retry.transientFailure(Duration.ofSeconds(1), (timedOut ? "no answer from Slack in time: " : "cannot reach Slack: ")
                    + describe(e), isPost && !neverLeft, false);
        }
    }

    private static Delivery refused(SlackApiTextResponse response, boolean isPost) {
        String error = String.valueOf(response.getError());
        if (TRANSIENT.contains(error)) {
            return Delivery.Retry.transientFailure(Duration.ofSeconds(2), "Slack answered " + error, isPost && !"ratelimited".equals(error), true);
        }
        if (AUTH.contains(error)) {
            return Delivery.Retry.transientFailure(Duration.ofMinutes(1), "Slack refused the bot token (" + error
                    + "): check SLACK_BOT_TOKEN; messages wait until it works", false, true);
        }
        return new Delivery.Failed("Slack answered " + error);
    }

    private static Duration retryAfter(SlackApiException e) {
        String header = e.getResponse().header("Retry-After");
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(header == null ? "" : header.trim())));
        } catch (NumberFormatException notANumber) {
            return Duration.ofSeconds(30);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SlackApiException s) {
            return "HTTP " + s.getResponse().code();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
