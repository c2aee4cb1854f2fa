package org.opsbot.bot.incidents;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Shares a postmortem as a file in a channel. Slack's {@code files.upload} is retired: this is
 * {@code files.getUploadURLExternal}, the bytes to the URL it gives, then
 * {@code files.completeUploadExternal}. Not through the outbox (it has no file kind yet): callers
 * run this on a worker thread, and it retries a failed upload a few times with backoff.
 */
public interface PostmortemFiles {

    /** Uploads and shares {@code markdown}; throws when Slack refused it on every attempt. */
    void share(String channelId, String fileName, String title, String markdown);

    static PostmortemFiles slack(MethodsClient methods, OkHttpClient http) {
        return new Slack(methods, http);
    }

    /** Without a bot token: the file goes to the log, as every other dry-run message does. */
    static PostmortemFiles log() {
        Logger log = LoggerFactory.getLogger(PostmortemFiles.class);
        return (channel, fileName, title, markdown) -> log.info("[dry run] file {} to {}:\n{}", fileName, channel, markdown);
    }

    final class Slack implements PostmortemFiles {
        private static final Logger LOG = LoggerFactory.getLogger(PostmortemFiles.class);
        private static final int ATTEMPTS = 3;
        private static final MediaType MARKDOWN = MediaType.get("text/markdown; charset=utf-8");

        private final MethodsClient methods;
        private final OkHttpClient http;

        Slack(MethodsClient methods, OkHttpClient http) {
            this.methods = methods;
            this.http = http;
        }

        @Override
        public void share(String channelId, String fileName, String title, String markdown) {
            RuntimeException last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    upload(channelId, fileName, title, markdown);
                    return;
                } catch (Exception e) {
                    last = e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
                    LOG.warn("uploading {} to {} failed (attempt {} of {}): {}", fileName, channelId, attempt, ATTEMPTS, e.toString());
                    sleep(Duration.ofSeconds(2L * attempt));
                }
            }
            throw last;
        }

        private void upload(String channelId, String fileName, String title, String markdown) throws Exception {
            byte[] bytes = markdown.getBytes(StandardCharsets.UTF_8);
            var url = methods.filesGetUploadURLExternal(r -> r.filename(fileName).length(bytes.length));
            if (!url.isOk()) {
                throw new IllegalStateException("files.getUploadURLExternal: " + url.getError());
            }
            try (var response = http.newCall(new Request.Builder().url(url.getUploadUrl())
                    .post(RequestBody.create(bytes, MARKDOWN)).build()).execute()) {
                if (!response.isSuccessful()) {
                    throw new IllegalStateException("upload URL answered " + response.code());
                }
            }
            var done = methods.filesCompleteUploadExternal(r -> r.channelId(channelId)
                    .files(List.of(FilesCompleteUploadExternalRequest.FileDetails.builder().id(url.getFileId()).title(title).build())));
            if (!done.isOk()) {
                throw new IllegalStateException("files.completeUploadExternal: " + done.getError());
            }
        }

        private static void sleep(Duration d) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
