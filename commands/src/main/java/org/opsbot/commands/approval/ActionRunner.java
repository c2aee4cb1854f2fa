package org.opsbot.commands.approval;

import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.opsbot.commands.check.Errors;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.Programs;
import org.opsbot.commands.check.SecretMasker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link ActionPlan} once: the HTTP request through the shared client that follows no
 * redirects, or the program through {@link Programs} (no shell, scrubbed environment, process
 * tree killed on timeout). What comes back is masked and trimmed before anyone sees it.
 */
public final class ActionRunner {
    /** Actions have no timeout key yet; a restart or a sync trigger answers well within this. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final int MAX_SHOWN = 2_500;
    private static final long MAX_BODY = 64 * 1024;

    private final OkHttpClient http;
    private final ExecAllowList allowList;
    private final SecretMasker masker;
    private final Duration timeout;

    /**
     * @param http the process's one OkHttp client ({@code CheckRunner.defaultHttpClient()}):
     *             it must not follow redirects
     */
    public ActionRunner(OkHttpClient http, ExecAllowList allowList, SecretMasker masker, Duration timeout) {
        if (http.followRedirects() || http.followSslRedirects()) {
            throw new IllegalArgumentException("actions must not follow redirects");
        }
        this.http = http;
        this.allowList = allowList;
        this.masker = masker;
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public ActionResult run(ActionPlan plan) {
        try {
            return plan.http().isPresent() ? http(plan.http().get()) : exec(plan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult(false, "interrupted while running", "");
        } catch (Exception e) {
            return new ActionResult(false, masker.mask(Errors.describe(e, timeout)), "");
        }
    }

    private ActionResult http(ActionPlan.Http h) throws IOException {
        String type = h.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .map(java.util.Map.Entry::getValue).findFirst().orElse("application/json");
        RequestBody body = h.body().map(b -> RequestBody.create(b, MediaType.parse(type)))
                .orElse(needsBody(h.method()) ? RequestBody.create(new byte[0]) : null);
        Request.Builder request = new Request.Builder().url(h.url()).method(h.method(), body);
        h.headers().forEach(request::header);
        Call call = http.newCall(request.build());
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try (Response response = call.execute()) {
            String text = response.peekBody(MAX_BODY).string();
            long millis = (System.nanoTime() - start) / 1_000_000;
            int code = response.code();
            if (response.isRedirect()) {
                return new ActionResult(false, "HTTP " + code + ": a redirect to " + masker.mask(response.header("Location", "?"))
                        + ", not followed", shown(text));
            }
            return new ActionResult(response.isSuccessful(), "HTTP " + code + " in " + millis + " ms", shown(text));
        }
    }

    private ActionResult exec(ActionPlan plan) throws IOException, InterruptedException {
        if (!allowList.allows(plan.argv().get(0))) {
            return new ActionResult(false, "the program " + plan.argv().get(0) + " is not allow-listed", "");
        }
        Programs.Ended ended = Programs.run(plan.argv(), timeout);
        if (ended.timedOut()) {
            return new ActionResult(false, Errors.timedOut(timeout) + "; the program and its children were killed",
                    shown(ended.output()));
        }
        return new ActionResult(ended.exitCode() == 0, "exit code " + ended.exitCode(), shown(ended.output()));
    }

    /** Masked, then the end kept: the last lines of output say how it ended. */
    private String shown(String text) {
        String s = masker.mask(text).strip();
        return s.length() <= MAX_SHOWN ? s : "…" + s.substring(s.length() - MAX_SHOWN);
    }

    private static boolean needsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
