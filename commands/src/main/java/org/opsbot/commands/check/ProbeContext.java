package org.opsbot.commands.check;

import okhttp3.OkHttpClient;

import java.time.Duration;

/**
 * What a {@link CheckKind} gets to measure one check with.
 *
 * @param timeout      the check's own timeout, already cut to the run's deadline
 * @param cancellation where a kind registers what really stops its work
 * @param http         the one OkHttp client of the process; set the call's timeout yourself
 * @param allowList    the programs {@code exec} may start
 */
public record ProbeContext(Duration timeout, Cancellation cancellation, OkHttpClient http, ExecAllowList allowList) {
}
