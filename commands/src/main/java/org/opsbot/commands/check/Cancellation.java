package org.opsbot.commands.check;

import java.util.ArrayList;
import java.util.List;

/**
 * How the runner stops a probe that outlived its time: each probe registers what really stops
 * its work (cancel the HTTP call, cancel the statement, kill the process tree), because
 * interrupting a thread blocked in I/O does nothing.
 */
public final class Cancellation {
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    /** Runs {@code hook} on cancel, or at once if already cancelled. */
    public void onCancel(Runnable hook) {
        boolean now;
        synchronized (this) {
            now = cancelled;
            if (!now) {
                hooks.add(hook);
            }
        }
        if (now) {
            runQuietly(hook);
        }
    }

    void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(hooks);
            hooks.clear();
        }
        toRun.forEach(Cancellation::runQuietly);
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    private static void runQuietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException ignored) {
            // Stopping is best effort; the runner reports the timeout either way.
        }
    }
}
